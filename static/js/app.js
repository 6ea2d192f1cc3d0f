// Claimtrack's own script. Small on purpose: htmx does the requests; this only adds what
// markup cannot express. No inline scripts anywhere (Content-Security-Policy).
"use strict";

(function () {
  // Article page: a selection in the text fills the "Log claim" form with the quote and
  // its character span in the article body. Each text segment carries data-offset, its
  // position in the body, so DOM positions map back to body offsets exactly.
  function bodyOffset(node, offset) {
    const element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    const segment = element && element.closest("[data-offset]");
    if (!segment) return null;
    if (node.nodeType !== Node.TEXT_NODE) {
      // A selection ending at an element boundary: count the text before that child.
      let length = 0;
      for (let i = 0; i < offset && i < node.childNodes.length; i++) {
        length += node.childNodes[i].textContent.length;
      }
      offset = length;
    }
    return Number(segment.dataset.offset) + offset;
  }

  function edgeOffset(range, atStart, body) {
    const node = atStart ? range.startContainer : range.endContainer;
    const offset = atStart ? range.startOffset : range.endOffset;
    const direct = bodyOffset(node, offset);
    if (direct !== null) return direct;
    // The edge fell on a paragraph: take the nearest segment inside the selection.
    const segments = Array.from(body.querySelectorAll("[data-offset]")).filter((s) =>
      range.intersectsNode(s)
    );
    if (!segments.length) return null;
    const segment = atStart ? segments[0] : segments[segments.length - 1];
    return Number(segment.dataset.offset) + (atStart ? 0 : segment.textContent.length);
  }

  function onSelection() {
    const body = document.getElementById("article-body");
    const quote = document.getElementById("id_log_quote");
    if (!body || !quote) return;
    const selection = document.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return;
    const range = selection.getRangeAt(0);
    if (!body.contains(range.commonAncestorContainer)) return;
    const start = edgeOffset(range, true, body);
    const end = edgeOffset(range, false, body);
    if (start === null || end === null || end <= start) return;
    quote.value = selection.toString();
    document.getElementById("id_log_quote_start").value = start;
    document.getElementById("id_log_quote_end").value = end;
  }

  document.addEventListener("mouseup", onSelection);
  document.addEventListener("keyup", function (event) {
    if (event.shiftKey || event.key === "Shift") onSelection();
  });
  document.addEventListener("input", function (event) {
    // A typed quote has no known span: the server finds it in the body.
    if (event.target && event.target.id === "id_log_quote") {
      document.getElementById("id_log_quote_start").value = "";
      document.getElementById("id_log_quote_end").value = "";
    }
  });
})();

(function () {
  // Dashboard rows: each inline form (Resolve, Snooze, Deadline moved) is a <details> whose
  // form htmx fetches into the row's panel, below the row and across its width. One is
  // open at a time: the details share a `name`, and opening one closes the others here
  // too, for browsers without exclusive details.
  function panelOf(details) {
    return document.getElementById(details.dataset.panel);
  }

  function shownForm(panel) {
    const form = panel && panel.querySelector("form[data-form]");
    return form ? form.dataset.form : "";
  }

  document.addEventListener(
    "toggle",
    function (event) {
      const details = event.target;
      if (!(details instanceof HTMLDetailsElement) || !details.matches(".row-action")) return;
      if (details.open) {
        document.querySelectorAll("details.row-action[open]").forEach(function (other) {
          if (other !== details) other.open = false;
        });
        return;
      }
      const panel = panelOf(details);
      // Closing one form while another of the same row loads must not empty the other.
      if (panel && details.isConnected && shownForm(panel) === details.dataset.form) {
        panel.replaceChildren();
      }
    },
    true
  );

  document.addEventListener("htmx:beforeSwap", function (event) {
    // A row comes back with its form open when the form was refused. htmx inserts the new
    // row before removing the old one, and the browser keeps one details of a name open:
    // close the old row's first, or the new one would be closed.
    const row = event.detail.target;
    if (!row.matches || !row.matches(".queue-row")) return;
    row.querySelectorAll("details.row-action[open]").forEach(function (details) {
      details.removeAttribute("open");
    });
  });

  document.addEventListener("htmx:confirm", function (event) {
    const details = event.target;
    if (!(details instanceof HTMLDetailsElement) || !details.matches(".row-action")) return;
    // htmx asks on every toggle: fetch on opening only, and not a form already shown.
    if (!details.open || shownForm(panelOf(details)) === details.dataset.form) {
      event.preventDefault();
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    const panel = event.detail.target;
    if (!panel.classList || !panel.classList.contains("row-panel")) return;
    const field = panel.querySelector("select, textarea, input:not([type=hidden])");
    if (field) field.focus();
  });

  function closeRowForm(panel) {
    const details = document.querySelector(
      'details.row-action[open][data-panel="' + panel.id + '"]'
    );
    if (!details) return;
    details.open = false;
    details.querySelector("summary").focus();
  }

  document.addEventListener("click", function (event) {
    const cancel = event.target.closest && event.target.closest("[data-row-cancel]");
    if (cancel) closeRowForm(cancel.closest(".row-panel"));
  });

  document.addEventListener("keydown", function (event) {
    const panel = event.key === "Escape" && event.target.closest && event.target.closest(".row-panel");
    if (panel) closeRowForm(panel);
  });

  // What an inline change did, with its Undo: removed after data-dismiss-after seconds,
  // but not while the pointer is on it or the keyboard is in it.
  function dismissLater(message) {
    const seconds = Number(message.dataset.dismissAfter) || 10;
    let timer = null;
    function start() {
      clearTimeout(timer);
      timer = setTimeout(function () {
        (message.closest(".queue-row-done") || message).remove();
      }, seconds * 1000);
    }
    function hold() {
      clearTimeout(timer);
    }
    message.addEventListener("mouseenter", hold);
    message.addEventListener("mouseleave", function () {
      if (!message.contains(document.activeElement) || document.activeElement === message) start();
    });
    // The message itself takes focus after the change (so the keyboard goes on from
    // there); only a control inside it, the Undo button, holds it.
    message.addEventListener("focusin", function (event) {
      if (event.target !== message) hold();
    });
    message.addEventListener("focusout", function (event) {
      if (!message.contains(event.relatedTarget) && !message.matches(":hover")) start();
    });
    start();
  }

  document.addEventListener("htmx:load", function (event) {
    const root = event.detail.elt;
    // A refused form came back open in its row: the keyboard goes back into it.
    const refused = root.matches(".queue-row") && root.querySelector(".row-panel form");
    if (refused && (document.activeElement === document.body || !document.activeElement)) {
      const field = refused.querySelector("select, textarea, input:not([type=hidden])");
      if (field) field.focus({ preventScroll: true });
    }
    const found = root.matches("[data-dismiss-after]")
      ? [root]
      : root.querySelectorAll("[data-dismiss-after]");
    found.forEach(function (message) {
      dismissLater(message);
      // The form that was submitted is gone with the old row: keep the keyboard here.
      if (document.activeElement === document.body || !document.activeElement) {
        message.focus({ preventScroll: true });
      }
    });
  });
})();
