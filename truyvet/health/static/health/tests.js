// Test entry: "all negative" ticks every worker's Negative; a team choice reloads the list.
document.addEventListener("DOMContentLoaded", function () {
  var all = document.getElementById("all-negative");
  if (all) {
    all.addEventListener("click", function () {
      document.querySelectorAll("input[type=radio][value=negative]").forEach(function (r) { r.checked = true; });
    });
  }
  var team = document.getElementById("team-select");
  if (team) {
    team.addEventListener("change", function () { team.form.submit(); });
  }
});
