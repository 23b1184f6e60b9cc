// A "Copy" button beside the year's permanent link. Without JavaScript (or a clipboard) the
// link is still there to follow or copy by hand.
document.querySelectorAll("[data-copy-link]").forEach((link) => {
  if (!navigator.clipboard) return;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "kit__copy";
  button.textContent = "Copy";
  button.setAttribute("aria-label", "Copy the permanent link");
  button.addEventListener("click", () => {
    navigator.clipboard.writeText(link.href).then(() => {
      button.textContent = "Copied";
    });
  });
  link.after(button);
});
