// What tests/browser/test_phone.py measures on a page: how far the document scrolls sideways,
// and every control smaller than `target` px in width or height (WCAG 2.5.5), links inside
// running text excepted (WCAG's "inline" exception).
(target) => {
  const inRunningText = (el) => {
    // A link in running text: its block has words of its own besides the link's.
    const block = el.parentElement &&
      el.parentElement.closest('p, li, dd, dt, td, th, figcaption, small, div');
    if (!block) return false;
    const own = (block.innerText || '').replace(el.innerText || '', '').replace(/[\s·—|,–-]/g, '');
    return own.length >= 3;
  };
  const small = [];
  for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary')) {
    if (el.type === 'hidden' || el.closest('.skip, .visually-hidden, [hidden]')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    let r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if ((el.type === 'checkbox' || el.type === 'radio') && el.labels && el.labels.length) {
      const l = el.labels[0].getBoundingClientRect();  // the label is part of the target
      r = {width: Math.max(r.right, l.right) - Math.min(r.left, l.left),
           height: Math.max(r.bottom, l.bottom) - Math.min(r.top, l.top)};
    }
    if (r.width + 0.5 >= target && r.height + 0.5 >= target) continue;
    if (el.tagName === 'A' && inRunningText(el)) continue;
    const name = (el.innerText || el.value || el.name || el.id || '').trim().slice(0, 40);
    const kind = el.tagName.toLowerCase() + (el.type ? `[${el.type}]` : '');
    small.push(`${kind} "${name}" ${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  return {overflow: document.documentElement.scrollWidth - window.innerWidth, small: small};
}
