/* « Notifications sur ce téléphone »: subscribe this browser to Web Push and hand the
   subscription to POST /api/v1/me/push-subscriptions/. Progressive: without service worker or
   Push API support the block stays hidden and the inbox and e-mails still work. */
"use strict";
(function () {
  const block = document.querySelector("[data-push-key]");
  if (!block || !("serviceWorker" in navigator) || !("PushManager" in window)) return;
  const button = block.querySelector("button");
  const status = block.querySelector("[role=status]");
  const form = block.closest("form");
  const token = form ? form.querySelector("input[name=csrfmiddlewaretoken]") : null;
  block.hidden = false;

  function keyBytes(base64url) {
    const padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      if ((await Notification.requestPermission()) !== "granted") {
        status.textContent = block.dataset.refused;
        return;
      }
      const registration = await navigator.serviceWorker.ready;
      const subscription = (await registration.pushManager.getSubscription()) ||
        (await registration.pushManager.subscribe({
          userVisibleOnly: true, applicationServerKey: keyBytes(block.dataset.pushKey),
        }));
      const response = await fetch("/api/v1/me/push-subscriptions/", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
        body: JSON.stringify(subscription.toJSON()),
      });
      status.textContent = response.ok ? block.dataset.done : block.dataset.failed;
      const box = form && form.querySelector("input[name=push]");
      if (response.ok && box) box.checked = true;
    } catch (error) {
      status.textContent = block.dataset.failed;
    } finally {
      button.disabled = false;
    }
  });
})();
