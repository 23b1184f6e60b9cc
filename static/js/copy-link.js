// Copy buttons for preview link addresses in the admin. Without JavaScript the buttons stay
// hidden and the address is still there to select and copy by hand.
document.querySelectorAll("[data-copy]").forEach((button) => {
  const field = document.getElementById(button.dataset.copy);
  if (!field || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    navigator.clipboard.writeText(field.value).then(() => {
      button.textContent = "Copied";
    });
  });
});
