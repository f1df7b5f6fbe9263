// The certificate check page: say at once when a chosen file is larger than the page takes
// (the server refuses it too; this spares sending it).
document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    var tooLarge = Boolean(file) && file.size > Number(input.dataset.maxBytes);
    input.setCustomValidity(tooLarge ? input.dataset.tooLarge : "");
    if (tooLarge) {
      input.reportValidity();
    }
  });
});
