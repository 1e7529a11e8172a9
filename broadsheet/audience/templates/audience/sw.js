/* Broadsheet's service worker: shows breaking-news alerts pushed to this browser. */
"use strict";

self.addEventListener("push", function (event) {
  var data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {};
  }
  var title = typeof data.title === "string" && data.title ? data.title : "Breaking news";
  event.waitUntil(
    self.registration.showNotification(title, {
      body: typeof data.body === "string" ? data.body : "",
      tag: typeof data.tag === "string" ? data.tag : undefined,
      data: { url: typeof data.url === "string" ? data.url : "/" }
    })
  );
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var given = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  // Always a page of this origin (the URL travelled through a push service): its path only.
  var target = new URL(given.pathname + given.search, self.location.origin);
  event.waitUntil(self.clients.openWindow(target.href));
});
