// EngagementMetrics dashboard: a filter change fetches the panels again (server-rendered SVG) and puts the query in
// the address bar. Without script, the form submits and the page is rendered whole: the same charts.
(() => {
  const form = document.getElementById('filters');
  const panels = document.getElementById('panels');
  if (!form || !panels) {
    return;
  }

  let pending = null;
  let redraws = 0;

  const query = () => {
    const params = new URLSearchParams(new FormData(form));
    for (const [name, value] of [...params]) {
      if (value === '' || (name !== 'bot' && value === 'all')) {
        params.delete(name);
      }
    }
    return params.toString();
  };

  const redraw = async () => {
    const search = query();
    pending?.abort();
    const controller = new AbortController();
    pending = controller;
    panels.setAttribute('aria-busy', 'true');
    try {
      const response = await fetch('panels?' + search, { signal: controller.signal, headers: { Accept: 'text/html' } });
      panels.innerHTML = await response.text();
      history.replaceState(null, '', '?' + search);
      redraws += 1;
      document.body.dataset.redraws = String(redraws);
    } catch (error) {
      if (error.name !== 'AbortError') {
        panels.innerHTML = '';
        const line = document.createElement('p');
        line.className = 'error';
        line.setAttribute('role', 'alert');
        line.textContent = 'The dashboard could not be reached: ' + error.message;
        panels.append(line);
      }
    } finally {
      if (pending === controller) {
        panels.removeAttribute('aria-busy');
      }
    }
  };

  form.addEventListener('change', redraw);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    redraw();
  });
})();
