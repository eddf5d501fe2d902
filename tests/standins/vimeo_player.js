/* A stand-in for https://player.vimeo.com/api/player.js in the browser tests: the real API cannot be reached
 * from the machines the tests run on. It implements the part players.js uses, as documented: new
 * Vimeo.Player(iframe), ready(), play(), pause(), setCurrentTime(), setPlaybackRate() (each a promise), and
 * the events play, pause, ended, seeked and timeupdate ({seconds}, every 250 ms while playing). Its clock runs
 * on performance.now(). Each player hangs on its iframe as `iframe.standin` and records its seeks. */
(function () {
  "use strict";

  function Player(target) {
    var iframe = typeof target === "string" ? document.getElementById(target) : target;
    var self = this, base = 0, since = null, rate = 1, handlers = {}, timer = 0;
    self.seeks = [];
    function emit(name) {
      var data = { seconds: self.clock(), duration: 11, percent: 0 };
      (handlers[name] || []).forEach(function (handler) { handler(data); });
    }
    self.clock = function () { return since === null ? base : base + (performance.now() - since) / 1000 * rate; };
    self.on = function (name, handler) { (handlers[name] = handlers[name] || []).push(handler); };
    self.ready = function () { return new Promise(function (resolve) { setTimeout(resolve, 50); }); };
    self.play = function () {
      if (since === null) {
        since = performance.now();
        emit("play");
        timer = setInterval(function () { emit("timeupdate"); }, 250);
      }
      return Promise.resolve();
    };
    self.pause = function () {
      if (since !== null) {
        base = self.clock();
        since = null;
        clearInterval(timer);
        emit("pause");
      }
      return Promise.resolve();
    };
    self.setCurrentTime = function (seconds) {
      base = seconds;
      if (since !== null) since = performance.now();
      self.seeks.push(seconds);
      setTimeout(function () { emit("seeked"); emit("timeupdate"); }, 10);
      return Promise.resolve(seconds);
    };
    self.getCurrentTime = function () { return Promise.resolve(self.clock()); };
    self.setPlaybackRate = function (value) {
      base = self.clock();
      if (since !== null) since = performance.now();
      rate = value;
      return Promise.resolve(value);
    };
    iframe.standin = self;
  }

  window.Vimeo = { Player: Player };
})();
