/* A stand-in for https://www.youtube.com/iframe_api in the browser tests: the real API cannot be reached
 * from the machines the tests run on. It implements the part players.js uses, as documented: YT.Player bound
 * to an existing iframe (element or id), events onReady and onStateChange (YT.PlayerState), playVideo,
 * pauseVideo, seekTo, getCurrentTime, setPlaybackRate; then it calls window.onYouTubeIframeAPIReady, as the
 * real one does once loaded. Its clock runs on performance.now(). Each player hangs on its iframe as
 * `iframe.standin` and records its seeks and any getCurrentTime() asked before onReady or while paused. */
(function () {
  "use strict";
  var PlayerState = { UNSTARTED: -1, ENDED: 0, PLAYING: 1, PAUSED: 2, BUFFERING: 3, CUED: 5 };

  function Player(target, options) {
    var iframe = typeof target === "string" ? document.getElementById(target) : target;
    var events = (options && options.events) || {};
    var self = this, base = 0, since = null, rate = 1;
    self.state = PlayerState.UNSTARTED;
    self.ready = false;
    self.seeks = [];
    self.pollsBeforeReady = 0;
    self.pollsWhilePaused = 0;
    function state(value) {
      self.state = value;
      if (events.onStateChange) events.onStateChange({ target: self, data: value });
    }
    self.clock = function () { return since === null ? base : base + (performance.now() - since) / 1000 * rate; };
    self.getCurrentTime = function () {
      if (!self.ready) self.pollsBeforeReady++;
      else if (self.state !== PlayerState.PLAYING) self.pollsWhilePaused++;
      return self.clock();
    };
    self.seekTo = function (seconds) {
      base = seconds;
      if (since !== null) since = performance.now();
      self.seeks.push(seconds);
    };
    self.playVideo = function () {
      if (since !== null) return;
      since = performance.now();
      setTimeout(function () { state(PlayerState.PLAYING); }, 20);
    };
    self.pauseVideo = function () {
      if (since === null) return;
      base = self.clock();
      since = null;
      state(PlayerState.PAUSED);
    };
    self.setPlaybackRate = function (value) { base = self.clock(); if (since !== null) since = performance.now(); rate = value; };
    self.getPlayerState = function () { return self.state; };
    iframe.standin = self;
    setTimeout(function () { self.ready = true; if (events.onReady) events.onReady({ target: self }); }, 50);
  }

  window.YT = { Player: Player, PlayerState: PlayerState };
  setTimeout(function () {
    if (typeof window.onYouTubeIframeAPIReady === "function") window.onYouTubeIframeAPIReady();
  }, 0);
})();
