/* The 360° panorama of a structure, on demand: a button replaces the plain image link; only
   when it is pressed are Pannellum (npm package, installed by `make install` into var/node and
   served as /static/vendor/pannellum/) and the panorama image fetched. Without JavaScript, or
   if the viewer cannot load, the link to the image stays. */
"use strict";
(function () {
  const box = document.querySelector("[data-panorama]");
  if (!box) return;
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = "Lancer la visite à 360°";
  box.prepend(button);

  function load(tag, attributes) {
    return new Promise((resolve, reject) => {
      const element = document.createElement(tag);
      Object.assign(element, attributes);
      element.onload = resolve;
      element.onerror = reject;
      document.head.appendChild(element);
    });
  }

  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await load("link", { rel: "stylesheet", href: box.dataset.viewerCss });
      await load("script", { src: box.dataset.viewerJs });
      const stage = document.createElement("div");
      stage.className = "panorama-stage";
      stage.setAttribute("role", "img");
      stage.setAttribute("aria-label", box.dataset.title);
      box.appendChild(stage);
      window.pannellum.viewer(stage, {
        type: "equirectangular", panorama: box.dataset.panorama, autoLoad: true,
        showFullscreenCtrl: true, keyboardZoom: true,
      });
      button.remove();
    } catch (error) {
      button.disabled = false;
      button.textContent = "La visite n'a pas pu se charger : ouvre l'image ci-dessous.";
    }
  });
})();
