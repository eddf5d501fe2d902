/* players.js: one small interface over the three players a transcript may sit beside.
 *
 *   TranscriptPlayers.attach(element) -> player, where element is an <audio>/<video> (HTML5 media), or an
 *   <iframe> marked data-player="youtube" (YouTube IFrame API) or data-player="vimeo" (Vimeo Player API).
 *
 *   player.play() -> Promise, player.pause(), player.seek(seconds), player.currentTime(), player.paused(),
 *   player.setRate(rate), player.on(name, handler) with name "ready", "play", "pause", "ended" or "time"
 *   (the clock moved while not playing: a seek, a pause, a time update).
 *
 * The reader runs its own clock loop while a player plays and asks currentTime() once a frame. YouTube's
 * getCurrentTime() is asked only after onReady and while playing (it answers the last time the iframe
 * reported, so the adapter carries the clock forward between reports); Vimeo reports its time in events. Each
 * adapter binds to its own iframe, never "the first one on the page", and the YouTube adapter chains any
 * onYouTubeIframeAPIReady already set, so several players, ours or the page's, share the API. The API
 * scripts are loaded only by the adapter that needs them.
 */
(function () {
  "use strict";
  if (window.TranscriptPlayers) return;

  var YOUTUBE_API = "https://www.youtube.com/iframe_api";
  var VIMEO_API = "https://player.vimeo.com/api/player.js";
  var CARRY_S = 1; // at most this long is the clock carried forward between two reports of a remote player

  function now() { return performance.now() / 1000; }

  function emitter(target) {
    var handlers = {};
    target.on = function (name, handler) { (handlers[name] = handlers[name] || []).push(handler); };
    return function emit(name) {
      var list = handlers[name] || [];
      for (var i = 0; i < list.length; i++) list[i]();
    };
  }

  function loadScript(src, onload) { // once per page, however many players ask for it
    var script = document.querySelector('script[src="' + src + '"]');
    if (!script) {
      script = document.createElement("script");
      script.src = src;
      script.async = true;
      document.head.appendChild(script);
    }
    if (onload) script.addEventListener("load", onload, { once: true });
  }

  // Actions asked for before a remote player is ready wait for it, in order.
  function readiness() {
    var queue = [], ready = false;
    return {
      isReady: function () { return ready; },
      run: function (action) {
        return new Promise(function (resolve, reject) {
          var go = function () { try { resolve(action()); } catch (error) { reject(error); } };
          if (ready) go(); else queue.push(go);
        });
      },
      open: function () { ready = true; while (queue.length) queue.shift()(); },
    };
  }

  // ---- HTML5 media ---------------------------------------------------------------------------------------
  function html5(media) {
    var player = { kind: "html5", element: media };
    var emit = emitter(player);
    function whenMetadata(action) {
      if (media.readyState >= 1) action();
      else media.addEventListener("loadedmetadata", action, { once: true });
    }
    player.play = function () {
      return new Promise(function (resolve, reject) {
        whenMetadata(function () { // after a seek asked for before the metadata came
          var started = media.play();
          if (started && started.then) started.then(resolve, reject); else resolve();
        });
      });
    };
    player.pause = function () { media.pause(); };
    player.seek = function (t) {
      whenMetadata(function () { media.currentTime = Math.max(0, Math.min(t, media.duration || t)); });
    };
    player.currentTime = function () { return media.currentTime; };
    player.paused = function () { return media.paused || media.ended; };
    player.setRate = function (rate) { media.playbackRate = rate; };
    media.addEventListener("play", function () { emit("play"); });
    media.addEventListener("playing", function () { emit("play"); });
    media.addEventListener("pause", function () { emit("pause"); });
    media.addEventListener("ended", function () { emit("ended"); });
    ["seeking", "seeked", "timeupdate"].forEach(function (name) {
      media.addEventListener(name, function () { emit("time"); });
    });
    whenMetadata(function () { emit("ready"); });
    return player;
  }

  // ---- YouTube IFrame API ----------------------------------------------------------------------------------
  function whenYouTube(callback) {
    if (window.YT && window.YT.Player) { callback(); return; }
    var previous = window.onYouTubeIframeAPIReady; // another player's, or the page's own: keep it
    window.onYouTubeIframeAPIReady = function () {
      if (typeof previous === "function") previous();
      callback();
    };
    loadScript(YOUTUBE_API);
  }

  function youtube(iframe) {
    var player = { kind: "youtube", element: iframe };
    var emit = emitter(player);
    var gate = readiness();
    var yt = null, playing = false, buffering = false, rate = 1;
    var known = 0, knownAt = now(); // the last time YouTube reported, and when

    player.play = function () { return gate.run(function () { yt.playVideo(); }); };
    player.pause = function () { gate.run(function () { yt.pauseVideo(); }); };
    player.seek = function (t) {
      known = Math.max(0, t);
      knownAt = now();
      gate.run(function () { yt.seekTo(known, true); emit("time"); });
      emit("time");
    };
    player.currentTime = function () {
      if (!gate.isReady() || !playing) return known; // polled only once ready and while playing
      var t = yt.getCurrentTime();
      if (t !== known) { known = t; knownAt = now(); return t; }
      return buffering ? known : known + Math.min(CARRY_S, now() - knownAt) * rate;
    };
    player.paused = function () { return !playing; };
    player.setRate = function (value) { gate.run(function () { yt.setPlaybackRate(value); rate = value; }); };

    whenYouTube(function () {
      var states = window.YT.PlayerState;
      yt = new window.YT.Player(iframe, { events: {
        onReady: function () { gate.open(); emit("ready"); },
        onStateChange: function (event) {
          buffering = event.data === states.BUFFERING;
          if (event.data === states.PLAYING || buffering) {
            known = yt.getCurrentTime();
            knownAt = now();
            if (!playing) { playing = true; emit("play"); }
          } else if (event.data === states.PAUSED || event.data === states.ENDED) {
            known = yt.getCurrentTime();
            playing = false;
            emit(event.data === states.ENDED ? "ended" : "pause");
          }
        },
        onPlaybackRateChange: function (event) { rate = event.data; },
      } });
    });
    return player;
  }

  // ---- Vimeo Player API ------------------------------------------------------------------------------------
  function whenVimeo(callback) {
    if (window.Vimeo && window.Vimeo.Player) callback();
    else loadScript(VIMEO_API, function () { callback(); });
  }

  function vimeo(iframe) {
    var player = { kind: "vimeo", element: iframe };
    var emit = emitter(player);
    var gate = readiness();
    var vp = null, playing = false, rate = 1;
    var known = 0, knownAt = now();

    function heard(data) { known = data.seconds; knownAt = now(); }
    player.play = function () { return gate.run(function () { return vp.play(); }); };
    player.pause = function () { gate.run(function () { return vp.pause(); }); };
    player.seek = function (t) {
      heard({ seconds: Math.max(0, t) });
      gate.run(function () { return vp.setCurrentTime(known); });
      emit("time");
    };
    player.currentTime = function () {
      return playing ? known + Math.min(CARRY_S, now() - knownAt) * rate : known;
    };
    player.paused = function () { return !playing; };
    player.setRate = function (value) { gate.run(function () { return vp.setPlaybackRate(value); }); };

    whenVimeo(function () {
      vp = new window.Vimeo.Player(iframe); // this iframe, whatever else the page embeds
      vp.on("play", function (data) { if (data) heard(data); playing = true; emit("play"); });
      vp.on("pause", function (data) { if (data) heard(data); playing = false; emit("pause"); });
      vp.on("ended", function (data) { if (data) heard(data); playing = false; emit("ended"); });
      vp.on("timeupdate", function (data) { heard(data); if (!playing) emit("time"); });
      vp.on("seeked", function (data) { heard(data); emit("time"); });
      vp.on("playbackratechange", function (data) { rate = data.playbackRate; });
      vp.ready().then(function () { gate.open(); emit("ready"); });
    });
    return player;
  }

  var ADAPTERS = { html5: html5, youtube: youtube, vimeo: vimeo };

  window.TranscriptPlayers = {
    adapters: ADAPTERS,
    attach: function (element) {
      var kind = element.dataset.player || "html5";
      if (!ADAPTERS[kind]) throw new Error("no player adapter for " + kind);
      return ADAPTERS[kind](element);
    },
  };
})();
