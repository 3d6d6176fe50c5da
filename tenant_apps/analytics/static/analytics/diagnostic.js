/* "Imprimer ce rapport": no inline handler (Content-Security-Policy, settings/security.py). */
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-print]")) {
    window.print();
  }
});
