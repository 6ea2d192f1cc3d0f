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
