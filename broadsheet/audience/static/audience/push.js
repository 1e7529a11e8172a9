/* Breaking-news alerts on this device: the newsletter page's Web Push opt-in. Optional: the
   section stays hidden in a browser without service workers, the Push API or notifications. */
(function () {
  "use strict";

  var box = document.querySelector(".push-optin");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    return;
  }
  var button = box.querySelector(".push-optin__button");
  var status = box.querySelector(".push-optin__status");
  var token = document.querySelector('input[name="csrfmiddlewaretoken"]');
  var LABEL_ON = "Breaking news alerts on this device";
  var LABEL_OFF = "Turn off breaking news alerts on this device";
  var registration = null;
  var current = null;

  function applicationServerKey() {
    var text = box.getAttribute("data-key").replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(text + "===".slice((text.length + 3) % 4));
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  function send(url, subscription) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
      body: JSON.stringify(subscription.toJSON())
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error(data.error || "The site refused the subscription."); }
        return data;
      });
    });
  }

  function show(subscription, message) {
    current = subscription;
    button.textContent = subscription ? LABEL_OFF : LABEL_ON;
    status.textContent = message || "";
  }

  function turnOn() {
    return Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") {
        show(null, "Notifications are blocked for this site: allow them in your browser's settings.");
        return null;
      }
      return registration.pushManager
        .subscribe({ userVisibleOnly: true, applicationServerKey: applicationServerKey() })
        .then(function (subscription) {
          return send(box.getAttribute("data-subscribe"), subscription).then(function () {
            show(subscription, "Alerts are on for this device.");
          });
        });
    });
  }

  function turnOff() {
    var subscription = current;
    return subscription.unsubscribe().then(function () {
      return send(box.getAttribute("data-unsubscribe"), subscription);
    }).then(function () {
      show(null, "Alerts are off for this device.");
    });
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    status.textContent = "One moment…";
    (current ? turnOff() : turnOn())
      .catch(function (error) {
        show(current, "Alerts could not be changed on this device: " + error.message);
      })
      .then(function () { button.disabled = false; });
  });

  navigator.serviceWorker
    .register(box.getAttribute("data-sw"), { scope: "/" })
    .then(function (found) {
      registration = found;
      return found.pushManager.getSubscription();
    })
    .then(function (subscription) {
      show(subscription, "");
      box.hidden = false;
    })
    .catch(function () { box.hidden = true; });
})();
