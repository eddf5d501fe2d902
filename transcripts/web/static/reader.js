/* reader.js: the transcript beside its recording.
 *
 * Every word is an element with data-m (start, ms) and data-d (duration, ms), rendered by the server. The
 * times are read once into typed arrays; while the media plays, each animation frame finds the word being
 * spoken by walking forward over the few words crossed since the last frame (a binary search after a jump),
 * and touches the DOM only when that word changes. The page follows the speech a paragraph at a time until
 * the reader scrolls away, then offers "Back to the speech". Click or Enter on a word plays from it;
 * #t=START[,END] plays a passage and stops at its end; "Copy quote" copies the selected words as the store
 * has them (the quote API), with the attribution and a link to the moment.
 *
 * The player is whatever players.js attaches to the reader's [data-player] element (HTML5 media, a YouTube
 * or a Vimeo iframe). A linked video may be cut differently from the recording: data-offset (seconds) is
 * added to transcript times to get the video's (a word at 10 s plays at 12.5 s with an offset of 2.5).
 * A page may hold several readers (an article with two videos); each drives its own player, and the
 * keyboard shortcuts go to the one last used. TranscriptReader.attach(root) is what embed.js calls.
 */
(function () {
  "use strict";
  if (window.TranscriptReader) return;

  var readers = [];
  var active = null;
  var reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  var SKIP_S = 5;
  var WALK = 8; // words walked forward before falling back to a binary search

  function attach(root, given) {
    function part(name) { return root.querySelector('[data-part="' + name + '"]'); }
    var transcript = part("transcript");
    var playerElement = given || root.querySelector("[data-player]");
    if (!transcript || !playerElement) return null;
    var player = window.TranscriptPlayers.attach(playerElement);
    var offset = +root.dataset.offset || 0;
    var statusLine = part("status");
    var toggleButton = root.querySelector("[data-action=toggle]");
    var followButton = part("follow");
    var quoteButton = part("quote");
    var speedSelect = part("speed");
    var findInput = part("find");
    var findCount = part("find-count");

    // ---- the word index, built once -------------------------------------------------------------------
    var inOrder = Array.prototype.slice.call(transcript.querySelectorAll("[data-m]")); // document order
    var words = inOrder.slice();
    var n = words.length;
    var starts = new Float64Array(n);
    var ends = new Float64Array(n);
    function readTimes() { // each attribute read once (getAttribute: dataset costs more, 9,000 words an hour)
      for (var i = 0; i < n; i++) {
        var m = +words[i].getAttribute("data-m");
        starts[i] = m / 1000;
        ends[i] = (m + +words[i].getAttribute("data-d")) / 1000;
      }
    }
    readTimes();
    var sorted = true;
    for (var k = 1; k < n && sorted; k++) sorted = starts[k - 1] <= starts[k];
    if (!sorted) {
      words.sort(function (a, b) { return a.getAttribute("data-m") - b.getAttribute("data-m"); });
      readTimes();
    }

    function indexAt(t) { // the last word that starts at or before t, or -1
      var lo = 0, hi = n - 1, found = -1;
      while (lo <= hi) {
        var mid = (lo + hi) >> 1;
        if (starts[mid] <= t) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
      }
      return found;
    }

    var current = -1;
    function locate(t) {
      if (current < n && (current < 0 || starts[current] <= t)) {
        var j = current;
        for (var steps = 0; steps < WALK && j + 1 < n && starts[j + 1] <= t; steps++) j++;
        if (j + 1 >= n || starts[j + 1] > t) return j;
      }
      return indexAt(t);
    }

    // ---- highlight and follow ---------------------------------------------------------------------------
    var currentParagraph = null;
    var following = true;
    var autoScrolling = false;
    var autoScrollTimer = 0;

    function show(t) {
      var found = locate(t);
      if (found === current) return;
      var word = found >= 0 ? words[found] : null;
      var paragraph = word && word.parentElement;
      var newParagraph = paragraph !== currentParagraph;
      // measure before the class changes below: read after them, the boxes would force a style recalculation
      // (the classes change colours only, so the boxes are the same either way)
      if (word && following) follow(word, newParagraph);
      if (current >= 0) words[current].classList.remove("now");
      current = found;
      if (!word) return;
      word.classList.add("now");
      if (newParagraph) {
        if (currentParagraph) currentParagraph.classList.remove("speaking");
        paragraph.classList.add("speaking");
        currentParagraph = paragraph;
      }
    }

    var deck = root.querySelector(".deck");
    function band() { // the part of the window the speech may be in: below the player where it sits on top
      var top = deck && getComputedStyle(deck).position === "sticky" ? deck.getBoundingClientRect().bottom : 0;
      return { top: Math.max(0, top), bottom: window.innerHeight };
    }

    function follow(word, newParagraph) {
      var view = band();
      var target = newParagraph ? word.parentElement : word;
      var box = target.getBoundingClientRect();
      var wordBox = newParagraph ? word.getBoundingClientRect() : box;
      var inView = box.top >= view.top && box.bottom <= view.bottom - 40;
      if (inView || (!newParagraph && wordBox.top >= view.top && wordBox.bottom <= view.bottom - 40)) return;
      if (newParagraph && box.height > view.bottom - view.top) target = word; // a turn taller than the screen
      scrollToElement(target, view);
    }

    function scrollToElement(element, view) {
      view = view || band();
      var top = window.scrollY + element.getBoundingClientRect().top - view.top - (view.bottom - view.top) * 0.2;
      autoScrolling = true;
      clearTimeout(autoScrollTimer);
      autoScrollTimer = setTimeout(function () { autoScrolling = false; }, reducedMotion.matches ? 100 : 1200);
      window.scrollTo({ top: Math.max(0, top), behavior: reducedMotion.matches ? "auto" : "smooth" });
    }

    window.addEventListener("scrollend", function () {
      clearTimeout(autoScrollTimer);
      setTimeout(function () { autoScrolling = false; }, 50);
    });

    function visible(element) {
      var view = band();
      var box = element.getBoundingClientRect();
      return box.bottom > view.top && box.top < view.bottom;
    }

    function setFollowing(value) {
      following = value;
      if (followButton) followButton.hidden = value;
    }

    var scrollCheck = 0;
    function userScrolled() {
      if (autoScrolling || scrollCheck) return;
      scrollCheck = requestAnimationFrame(function () {
        scrollCheck = 0;
        if (current < 0) return;
        var seen = visible(words[current]);
        if (seen !== following) setFollowing(seen); // scrolled away stops following; scrolled back resumes
      });
    }
    window.addEventListener("scroll", userScrolled, { passive: true });
    window.addEventListener("wheel", function () { autoScrolling = false; }, { passive: true });
    window.addEventListener("touchstart", function () { autoScrolling = false; }, { passive: true });

    if (followButton) followButton.addEventListener("click", function () {
      setFollowing(true);
      if (current >= 0) scrollToElement(words[current].parentElement);
    });

    // ---- the clock: the player's time less the link's offset ---------------------------------------------
    var frame = 0;
    var stopAt = null;

    function now() { return player.currentTime() - offset; }

    function tick() {
      frame = 0;
      var t = now();
      if (stopAt !== null && t >= stopAt) {
        stopAt = null;
        player.pause();
      }
      show(t);
      if (!player.paused()) frame = requestAnimationFrame(tick);
    }

    function startTicking() { if (!frame) frame = requestAnimationFrame(tick); }

    player.on("play", startTicking);
    player.on("play", function () { if (toggleButton) toggleButton.textContent = "Pause"; });
    player.on("time", function () { // frames stop in a hidden tab; time updates keep the stop
      if (stopAt !== null && now() >= stopAt) { stopAt = null; player.pause(); }
      if (player.paused()) show(now());
    });
    player.on("pause", function () { if (toggleButton) toggleButton.textContent = "Play"; show(now()); });
    player.on("ended", function () { if (toggleButton) toggleButton.textContent = "Play"; });

    function say(message) { if (statusLine) statusLine.textContent = message; }

    function clock(seconds) {
      var s = Math.max(0, Math.floor(seconds));
      var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
      return (h ? h + ":" + String(m).padStart(2, "0") : String(m)) + ":" + String(r).padStart(2, "0");
    }

    function seek(t) { player.seek(Math.max(0, t + offset)); }

    function play() {
      player.play().catch(function (error) {
        if (error && error.name === "NotAllowedError") say("Press play to listen from " + clock(now()) + ".");
      });
    }

    function playFrom(t, end) {
      stopAt = end === undefined ? null : end;
      setFollowing(true);
      seek(t);
      play();
    }

    function skip(by) {
      stopAt = null;
      seek(now() + by);
    }

    function toggle() {
      if (player.paused()) play(); else player.pause();
    }

    // ---- words: click, keyboard ------------------------------------------------------------------------------
    var focusable = inOrder[0] || null;
    if (focusable) focusable.tabIndex = 0;

    function makeFocusable(word) {
      if (focusable && focusable !== word) focusable.removeAttribute("tabindex");
      word.tabIndex = 0;
      focusable = word;
    }

    function playWord(word) {
      makeFocusable(word);
      clearQuoted();
      playFrom(+word.dataset.m / 1000);
    }

    transcript.addEventListener("click", function (event) {
      active = controller;
      var word = event.target.closest && event.target.closest("[data-m]");
      if (!word) return;
      var selection = window.getSelection();
      if (selection && !selection.isCollapsed && selection.toString().trim()) return; // selecting a quote
      playWord(word);
    });

    transcript.addEventListener("keydown", function (event) {
      var word = event.target.closest && event.target.closest("[data-m]");
      if (!word || event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        playWord(word);
      } else if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
        event.preventDefault();
        var next = inOrder[inOrder.indexOf(word) + (event.key === "ArrowRight" ? 1 : -1)];
        if (next) { makeFocusable(next); next.focus(); }
      }
    });

    // ---- controls and shortcuts ------------------------------------------------------------------------------
    root.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("[data-action]");
      if (!button) return;
      var action = button.dataset.action;
      if (action === "toggle") toggle();
      else if (action === "back") skip(-SKIP_S);
      else if (action === "forward") skip(SKIP_S);
      else if (action === "find-next") findStep(1);
      else if (action === "find-previous") findStep(-1);
      else if (action === "quote") copyQuote();
    });

    if (speedSelect) speedSelect.addEventListener("change", function () { player.setRate(+speedSelect.value); });

    function changeSpeed(step) {
      if (!speedSelect) return;
      var index = Math.max(0, Math.min(speedSelect.options.length - 1, speedSelect.selectedIndex + step));
      speedSelect.selectedIndex = index;
      player.setRate(+speedSelect.value);
      say("Speed " + speedSelect.options[index].textContent);
    }

    function key(event, onWord, onControl) { // a shortcut for this reader (the one last used); false: not ours
      switch (event.key) {
        case "k": toggle(); break;
        case " ": if (onWord || onControl) return false; toggle(); break;
        case "j": skip(-SKIP_S); break;
        case "l": skip(SKIP_S); break;
        case "<": changeSpeed(-1); break;
        case ">": changeSpeed(1); break;
        case "/": if (!findInput) return false; findInput.focus(); break;
        default: return false;
      }
      return true;
    }

    // ---- #t=START[,END]: play a passage -----------------------------------------------------------------------
    function clearQuoted() {
      var marked = transcript.querySelectorAll(".quoted");
      for (var q = 0; q < marked.length; q++) marked[q].classList.remove("quoted");
    }

    function parseTime(text) {
      var parts = text.split(":"), seconds = 0;
      for (var p = 0; p < parts.length; p++) {
        if (!/^\d+(\.\d+)?$/.test(parts[p])) return NaN;
        seconds = seconds * 60 + parseFloat(parts[p]);
      }
      return seconds;
    }

    function applyHash(hash) {
      var match = /^#t=([\d:.]+)(?:,([\d:.]+))?$/.exec(hash);
      if (!match) return false;
      var start = parseTime(match[1]);
      var end = match[2] === undefined ? undefined : parseTime(match[2]);
      if (isNaN(start) || (end !== undefined && (isNaN(end) || end <= start))) return false;
      clearQuoted();
      if (end !== undefined) {
        var first = null;
        for (var w = indexAt(start) < 0 ? 0 : indexAt(start); w < n && starts[w] <= end; w++) {
          var middle = (starts[w] + ends[w]) / 2; // the words a quote of [start, end] holds, as the server counts
          if (middle >= start && middle <= end) {
            words[w].classList.add("quoted");
            if (!first) first = words[w];
          }
        }
        if (first) scrollToElement(first.parentElement);
      }
      playFrom(start, end);
      return true;
    }

    root.addEventListener("focusin", function () { active = controller; });
    root.addEventListener("click", function (event) {
      active = controller;
      var link = event.target.closest && event.target.closest("a[href^='#t=']");
      // alone on the page, a #t= link goes through the address (hashchange); the same link twice, or a link
      // of one reader among several, plays here
      if (!link || (readers.length === 1 && link.getAttribute("href") !== window.location.hash)) return;
      event.preventDefault();
      applyHash(link.getAttribute("href"));
    });

    // ---- find in transcript -----------------------------------------------------------------------------------
    var tokens = null;
    var matches = [];
    var matchAt = -1;

    function normal(text) { return text.toLowerCase().replace(/[’‘]/g, "'").replace(/[^\p{L}\p{N}']+/gu, ""); }

    function clearFound() {
      var found = transcript.querySelectorAll(".found, .found-current");
      for (var f = 0; f < found.length; f++) found[f].classList.remove("found", "found-current");
    }

    function find() {
      clearFound();
      matches = [];
      matchAt = -1;
      var query = findInput.value.split(/\s+/).map(normal).filter(Boolean);
      if (!query.length) { findCount.textContent = ""; return; }
      if (!tokens) tokens = inOrder.map(function (word) { return normal(word.textContent); });
      var last = query.length - 1;
      for (var s = 0; s + last < tokens.length; s++) {
        var ok = true;
        for (var q = 0; q <= last && ok; q++) {
          var token = tokens[s + q];
          ok = query.length === 1 ? token.indexOf(query[0]) >= 0
            : q === last ? token.indexOf(query[q]) === 0 : token === query[q];
        }
        if (ok) {
          matches.push(s);
          for (var r = 0; r <= last; r++) inOrder[s + r].classList.add("found");
        }
      }
      findCount.textContent = matches.length ? matches.length + (matches.length === 1 ? " match" : " matches")
        : "no match";
      findInput.dataset.length = String(query.length);
    }

    function findStep(step) {
      if (!matches.length) return;
      var length = +findInput.dataset.length || 1;
      if (matchAt >= 0) for (var a = 0; a < length; a++) inOrder[matches[matchAt] + a].classList.remove("found-current");
      matchAt = (matchAt + step + matches.length) % matches.length;
      for (var b = 0; b < length; b++) inOrder[matches[matchAt] + b].classList.add("found-current");
      var word = inOrder[matches[matchAt]];
      setFollowing(false);
      scrollToElement(word);
      makeFocusable(word);
      findCount.textContent = (matchAt + 1) + " of " + matches.length;
    }

    var findTimer = 0;
    if (findInput) findInput.addEventListener("input", function () {
      clearTimeout(findTimer);
      findTimer = setTimeout(find, 120);
    });
    if (findInput) findInput.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        clearTimeout(findTimer);
        if (findInput.dataset.query !== findInput.value) { find(); findInput.dataset.query = findInput.value; }
        findStep(event.shiftKey ? -1 : 1);
      } else if (event.key === "Escape") {
        findInput.value = "";
        find();
      }
    });

    // ---- copy quote ------------------------------------------------------------------------------------------
    var selected = null; // [first word, last word] of the selection, in document order

    function firstAtOrAfter(range) { // the first word not wholly before the selection's start
      var lo = 0, hi = inOrder.length - 1, found = -1;
      while (lo <= hi) {
        var mid = (lo + hi) >> 1;
        var word = inOrder[mid];
        if (range.comparePoint(word, word.childNodes.length) >= 0) { found = mid; hi = mid - 1; } else { lo = mid + 1; }
      }
      var text = inOrder[found] && inOrder[found].firstChild;
      if (found >= 0 && range.startContainer === text && range.startOffset >= text.length) found++;
      return found;
    }

    function lastAtOrBefore(range) { // the last word not wholly after the selection's end
      var lo = 0, hi = inOrder.length - 1, found = -1;
      while (lo <= hi) {
        var mid = (lo + hi) >> 1;
        if (range.comparePoint(inOrder[mid], 0) <= 0) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
      }
      var text = inOrder[found] && inOrder[found].firstChild;
      if (found >= 0 && range.endContainer === text && range.endOffset === 0) found--;
      return found;
    }

    function readSelection() {
      var selection = window.getSelection();
      selected = null;
      if (selection && !selection.isCollapsed && selection.rangeCount && inOrder.length) {
        var range = selection.getRangeAt(0);
        if (range.intersectsNode(transcript)) {
          var first = firstAtOrAfter(range), last = lastAtOrBefore(range);
          if (first >= 0 && last >= first && last < inOrder.length) selected = [inOrder[first], inOrder[last]];
        }
      }
      quoteButton.disabled = !selected;
      quoteButton.title = selected ? "Copy the selected words with their attribution and a link"
        : "Select words in the transcript first";
    }

    var selectionFrame = 0;
    if (quoteButton) document.addEventListener("selectionchange", function () {
      if (!selectionFrame) selectionFrame = requestAnimationFrame(function () { selectionFrame = 0; readSelection(); });
    });

    function tenths(seconds) { return (Math.round(seconds * 10) / 10).toFixed(1); }

    function quoteText(data, start, end) {
      var link = root.dataset.base + "/t/" + root.dataset.id + "#t=" + tenths(start) + "," + tenths(end);
      return "“" + data.text + "”\n" + data.attribution + "\n" + link;
    }

    function copyQuote() {
      if (!selected) return;
      var start = +selected[0].dataset.m / 1000;
      var end = (+selected[1].dataset.m + +selected[1].dataset.d) / 1000;
      var url = "/api/transcripts/" + root.dataset.id + "/quote?start=" + start + "&end=" + end;
      var text = fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) throw new Error("the quote could not be read (" + response.status + ")");
        return response.json();
      }).then(function (data) { return quoteText(data, start, end); });
      var copied;
      if (window.ClipboardItem && navigator.clipboard && navigator.clipboard.write) {
        // the text is still being fetched: a promise keeps the click's permission to write the clipboard
        var blob = text.then(function (value) { return new Blob([value], { type: "text/plain" }); });
        copied = navigator.clipboard.write([new ClipboardItem({ "text/plain": blob })]);
      } else if (navigator.clipboard && navigator.clipboard.writeText) {
        copied = text.then(function (value) { return navigator.clipboard.writeText(value); });
      } else {
        copied = Promise.reject(new Error("this browser cannot copy here"));
      }
      copied.then(function () { say("Quote copied."); }, function () {
        text.then(function (value) { offerToCopy(value); }, function (error) { say(String(error.message || error)); });
      });
    }

    function offerToCopy(value) { // where the clipboard is out of reach (plain HTTP), the text to copy by hand
      var box = document.getElementById("quote-text") || document.createElement("textarea");
      box.id = "quote-text";
      box.readOnly = true;
      box.setAttribute("aria-label", "Quote to copy");
      box.value = value;
      if (!box.parentNode) statusLine.after(box);
      box.focus();
      box.select();
      say("Copy the quote from the box (Ctrl+C).");
    }

    // ---- ready ------------------------------------------------------------------------------------------
    var controller = { root: root, player: player, key: key, applyHash: applyHash, show: function () { show(now()); } };
    show(now());
    root.dataset.ready = "true";
    return controller;
  }

  document.addEventListener("keydown", function (event) {
    if (!active || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    if (target.closest && target.closest("input, select, textarea, [contenteditable], audio, video")) return;
    var onWord = target.closest && target.closest("[data-m]");
    var onControl = target.closest && target.closest("button, a, summary");
    if (active.key(event, onWord, onControl)) event.preventDefault();
  });
  window.addEventListener("hashchange", function () {
    if (readers.length === 1) readers[0].applyHash(window.location.hash);
  });

  function attachAll() {
    var roots = document.querySelectorAll("[data-reader]:not([data-ready])");
    for (var r = 0; r < roots.length; r++) {
      var reader = attach(roots[r]);
      if (reader) readers.push(reader);
    }
    if (!active && readers.length) active = readers[0];
    if (readers.length === 1) readers[0].applyHash(window.location.hash);
    if (window.performance && performance.mark) performance.mark("reader-ready");
  }

  window.TranscriptReader = {
    attach: function (root, playerElement) {
      var reader = attach(root, playerElement);
      if (reader) { readers.push(reader); if (!active) active = reader; }
      return reader;
    },
    readers: readers,
  };
  attachAll();
})();
