// The running total of the self-assessment form. The form works without it; this only
// shows, as the person taps, where the total stands against the pass rule.
(function () {
  var form = document.getElementById('self-assessment');
  if (!form) return;
  var minTotal = +form.dataset.minTotal, minEach = +form.dataset.minEach;
  var out = document.getElementById('total'), verdict = document.getElementById('verdict');
  var lang = document.documentElement.lang;
  function update() {
    var sets = form.querySelectorAll('fieldset.indicator'), total = 0, done = 0, below = 0;
    sets.forEach(function (fs) {
      var c = fs.querySelector('input[type=radio]:checked') || fs.querySelector('input[type=hidden]');
      if (c) { done++; total += +c.value; if (+c.value < minEach) below++; }
    });
    out.textContent = total + ' (' + done + '/' + sets.length + ')';
    var vi = lang !== 'en';
    if (done < sets.length) {
      verdict.textContent = vi ? '— còn ' + (sets.length - done) + ' chỉ số chưa chấm' : '— ' + (sets.length - done) + ' indicators left';
    } else if (total >= minTotal && below === 0) {
      verdict.textContent = vi ? '— đạt yêu cầu' : '— meets the rule';
    } else if (below > 0) {
      verdict.textContent = vi ? '— có ' + below + ' chỉ số dưới ' + minEach + ' điểm' : '— ' + below + ' below ' + minEach;
    } else {
      verdict.textContent = vi ? '— còn thiếu ' + (minTotal - total) + ' điểm' : '— ' + (minTotal - total) + ' points short';
    }
  }
  form.addEventListener('change', update);
  update();
})();
