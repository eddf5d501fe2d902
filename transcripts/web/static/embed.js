/* embed.js: a transcript beside a CMS page's own YouTube player, in one script tag.
 *
 *   <iframe id="video" src="https://www.youtube.com/embed/ID?enablejsapi=1" …></iframe>
 *   <div id="transcript"></div>
 *   <script src="https://transcripts.example/static/embed.js" data-transcript="12"
 *           data-container="#transcript" data-player="#video" data-offset="0" async></script>
 *
 * It reads the published transcript from this site's API (CORS, no credentials), renders its words with
 * their times, loads players.js and reader.js from this site, and attaches the reader to the page's own
 * iframe through the YouTube IFrame API: click a word to play from it, the spoken word lights up.
 * data-container and data-player are CSS selectors; without data-player, the first YouTube iframe not yet
 * given a transcript is used (add enablejsapi=1 to its address, or this script reloads it with it).
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var here = new URL(script.src, document.baseURI);
  var base = here.href.slice(0, here.href.lastIndexOf("/static/"));
  var id = script.dataset.transcript;

  function load(src) {
    return new Promise(function (resolve, reject) {
      var name = src.slice(src.lastIndexOf("/") + 1, -3);
      if ((name === "players" && window.TranscriptPlayers) || (name === "reader" && window.TranscriptReader)) {
        resolve(); return;
      }
      var tag = document.createElement("script");
      tag.src = src;
      tag.onload = function () { resolve(); };
      tag.onerror = function () { reject(new Error("cannot load " + src)); };
      document.head.appendChild(tag);
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function findPlayer() {
    if (script.dataset.player) return document.querySelector(script.dataset.player);
    var frames = document.querySelectorAll("iframe[src*='youtube.com/embed/'], iframe[src*='youtube-nocookie.com/embed/']");
    for (var i = 0; i < frames.length; i++) if (!frames[i].dataset.transcriptBound) return frames[i];
    return null;
  }

  function prepare(iframe) {
    iframe.dataset.transcriptBound = id;
    iframe.dataset.player = "youtube";
    var src = new URL(iframe.src, document.baseURI);
    if (src.searchParams.get("enablejsapi") !== "1") {
      src.searchParams.set("enablejsapi", "1");
      iframe.src = src.href;
    }
  }

  function render(data, root) { // the words as the reader's page renders them: spans with data-m and data-d
    var transcript = element("div", "transcript");
    transcript.dataset.part = "transcript";
    transcript.setAttribute("aria-label", "Transcript");
    var paragraph = null, speaker;
    data.segments.forEach(function (segment) {
      if (!paragraph || segment.speaker !== speaker) {
        speaker = segment.speaker;
        paragraph = element("p", "turn");
        if (speaker) paragraph.appendChild(element("span", "who", speaker));
        transcript.appendChild(paragraph);
      }
      var words = segment.words.length ? segment.words
        : [{ start: segment.start, end: segment.end, word: segment.text }];
      words.forEach(function (word) {
        var text = word.word.trim();
        if (!text) return;
        var span = element("span", "", text);
        span.dataset.m = String(Math.round(word.start * 1000));
        span.dataset.d = String(Math.max(0, Math.round((word.end - word.start) * 1000)));
        paragraph.appendChild(document.createTextNode(" "));
        paragraph.appendChild(span);
      });
    });
    root.appendChild(transcript);
  }

  function start(container) {
    var root = element("div", "tx-embed");
    root.dataset.reader = "";
    root.dataset.id = id;
    root.dataset.base = base;
    root.dataset.offset = script.dataset.offset || "0";
    var bar = element("div", "tx-bar");
    var toggle = element("button", "", "Play");
    toggle.type = "button";
    toggle.dataset.action = "toggle";
    var link = element("a", "", "Full transcript");
    link.href = base + "/t/" + encodeURIComponent(id);
    link.target = "_blank";
    link.rel = "noopener";
    var status = element("p", "status");
    status.dataset.part = "status";
    status.setAttribute("role", "status");
    bar.appendChild(toggle);
    bar.appendChild(link);
    root.appendChild(bar);
    root.appendChild(status);
    container.appendChild(root);
    return root;
  }

  function run() {
    var container = script.dataset.container ? document.querySelector(script.dataset.container) : null;
    if (!container) {
      container = element("div");
      script.after(container);
    }
    var iframe = findPlayer();
    if (!iframe) { container.textContent = "No YouTube player found for the transcript."; return; }
    prepare(iframe);
    var style = element("link");
    style.rel = "stylesheet";
    style.href = base + "/static/embed.css";
    document.head.appendChild(style);
    var root = start(container);
    var words = fetch(base + "/api/transcripts/" + encodeURIComponent(id) + "/public", { credentials: "omit" })
      .then(function (response) {
        if (!response.ok) throw new Error("the transcript is not available (" + response.status + ")");
        return response.json();
      });
    Promise.all([words, load(base + "/static/players.js").then(function () { return load(base + "/static/reader.js"); })])
      .then(function (results) {
        render(results[0], root);
        window.TranscriptReader.attach(root, iframe);
      })
      .catch(function (error) { root.querySelector(".status").textContent = String(error.message || error); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
