// Buttons marked data-print print the page (the Content-Security-Policy admits no inline handler).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
