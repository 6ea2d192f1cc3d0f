// Claimtrack's own script. Small on purpose: htmx does the requests; this only adds
// what markup cannot express. No inline scripts anywhere (Content-Security-Policy).
"use strict";
