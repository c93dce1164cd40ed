// Runs in the rendered page. measure(pass): what the reader sees at the current width, per element.
// serialize(): the page as plain HTML in which those facts are explicit (see snapshot.py).
window.__syndicheckApi = (() => {
  const REPLACED = new Set(["IMG", "SVG", "VIDEO", "CANVAS", "IFRAME", "OBJECT", "EMBED", "INPUT", "PICTURE",
                            "svg", "TEXTAREA", "SELECT", "BUTTON"]);
  const HIDING_CLASSES = new Set(["hidden", "d-none", "sr-only", "visually-hidden", "visuallyhidden",
    "screen-reader-text", "screen-reader-only", "invisible", "is-hidden", "u-hidden", "hide", "element-invisible",
    "offscreen", "show-for-sr", "a11y-hidden"]);
  const LAZY = ["srcset", "sizes", "data-src", "data-lazy-src", "data-original", "data-lazy", "data-url",
                "data-hi-res-src", "data-srcset", "data-lazy-srcset", "loading", "decoding"];
  const st = window.__syndicheck || (window.__syndicheck = {els: null, vis: null, box: null, loaded: null});

  function cssVisible(el) {
    if (typeof el.checkVisibility === "function")
      return el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true, contentVisibilityAuto: false});
    const cs = getComputedStyle(el);
    return cs.display !== "none" && cs.visibility === "visible" && cs.opacity !== "0";
  }

  // Loaded, and more than a lazy loader's one-pixel placeholder.
  // A data: picture while a lazy attribute still names another URL is the loader's placeholder (its script
  // did not run, say offline): not what the reader gets.
  const LAZY_URLS = ["data-src", "data-lazy-src", "data-original", "data-lazy", "data-url", "data-hi-res-src",
                     "data-srcset", "data-lazy-srcset"];
  const placeholder = (img) => (img.currentSrc || "").startsWith("data:") &&
    LAZY_URLS.some((a) => img.hasAttribute(a) && !img.getAttribute(a).startsWith("data:"));
  const drawn = (img) => img.complete && (img.naturalWidth > 1 || img.naturalHeight > 1) && !placeholder(img);
  // A picture its own style sizes to a pixel ("width:1px;height:1px") is that small whether it loaded or not. (One
  // that failed to load is drawn as its alt text, an inline box that ignores the size, and the snapshot drops
  // the style attribute, so the static reading cannot see it either.)
  const tiny = (img) => ["width", "height"].some((p) => /^(0|[01](\.\d+)?px)$/.test(img.style[p].trim()));

  function clipsAway(cs) {
    // The "screen-reader only" idioms: clip: rect(0 0 0 0), clip-path: inset(50%)
    if (cs.position === "absolute" || cs.position === "fixed") {
      const m = /rect\(([^)]*)\)/.exec(cs.clip || "");
      if (m) {
        const v = m[1].split(/[ ,]+/).map(parseFloat);
        if (v.length === 4 && (v[2] - v[0] <= 1 || v[1] - v[3] <= 1)) return true;
      }
    }
    return /^inset\(50%/.test(cs.clipPath || "");
  }

  function measure(pass) {
    const els = st.els || (st.els = Array.from(document.querySelectorAll("body *")));
    if (!st.vis) { st.vis = new Array(els.length).fill(false); st.box = new Array(els.length).fill(null); }
    const index = new Map(els.map((e, i) => [e, i]));
    const root = document.documentElement;
    const W = Math.max(root.scrollWidth, innerWidth), H = Math.max(root.scrollHeight, innerHeight);
    const sx = scrollX, sy = scrollY;
    // clip[i]: the rectangle (page coordinates) element i's content is clipped to by overflow of ancestors
    const clip = new Map();
    const whole = [-sx, -sy, W - sx, H - sy];
    const visibleNow = new Array(els.length).fill(false);
    for (let i = 0; i < els.length; i++) {
      const el = els[i];
      if (!el.isConnected) continue;
      const parentClip = clip.get(el.parentElement) || whole;
      const cs = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      if (pass === 0) st.box[i] = [Math.round(r.left + sx), Math.round(r.top + sy), Math.round(r.width), Math.round(r.height)];
      let own = parentClip;
      if (clipsAway(cs)) own = [0, 0, 0, 0];
      // Fixed elements escape their ancestors' overflow, and absolutely positioned ones mostly do too.
      if (cs.position === "fixed") own = whole;
      let inner = own;
      if (cs.overflowX !== "visible" || cs.overflowY !== "visible")
        inner = [Math.max(own[0], r.left), Math.max(own[1], r.top), Math.min(own[2], r.right), Math.min(own[3], r.bottom)];
      clip.set(el, inner);
      const cut = (a) => [Math.max(a.left, own[0]), Math.max(a.top, own[1]), Math.min(a.right, own[2]), Math.min(a.bottom, own[3])];
      const seen = (b) => b[2] - b[0] > 1 && b[3] - b[1] > 1;
      let vis = false;
      if (cssVisible(el)) {
        if (el.tagName === "IMG" && !drawn(el)) {
          // Not loaded (offline, slow or failing host): its size is unknown, not zero. Where it would be and
          // whether CSS hides it still count; its own size attributes are kept for the static reading.
          const at = {left: r.left, top: r.top, right: Math.max(r.right, r.left + 2), bottom: Math.max(r.bottom, r.top + 2)};
          vis = !tiny(el) && seen(cut(at));
        } else if (REPLACED.has(el.tagName)) {
          vis = r.width > 1 && r.height > 1 && seen(cut(r));
        } else {
          for (const n of el.childNodes) {
            if (n.nodeType !== 3 || !n.data.trim()) continue;
            const range = document.createRange();
            range.selectNodeContents(n);
            for (const tr of range.getClientRects()) {
              if (tr.width > 0 && tr.height > 1 && seen(cut(tr))) { vis = true; break; }
            }
            if (vis) break;
          }
        }
      }
      visibleNow[i] = vis;
    }
    // An element is shown when it or anything inside it is: parents after children.
    for (let i = els.length - 1; i >= 0; i--) {
      if (!visibleNow[i]) continue;
      st.vis[i] = true;
      const p = index.get(els[i].parentElement);
      if (p !== undefined) visibleNow[p] = true;
    }
    // What a shown picture contains (an inline SVG's <title>, a <picture>'s image) is part of it.
    const inside = new Set(["SVG", "svg", "PICTURE", "OBJECT", "VIDEO"]);
    for (let i = 0; i < els.length; i++) {
      const p = index.get(els[i].parentElement);
      if (p !== undefined && st.vis[p] && (inside.has(els[p].tagName) || st.whole && st.whole.has(p))) {
        st.whole = st.whole || new Set();
        st.whole.add(i);
        st.vis[i] = true;
      }
    }
    // Images as drawn: the URL the browser chose, if it loaded
    st.loaded = st.loaded || new Array(els.length).fill(null);
    for (let i = 0; i < els.length; i++) {
      const el = els[i];
      if (el.tagName === "IMG" && drawn(el) && el.currentSrc) st.loaded[i] = el.currentSrc;
    }
    return {elements: els.length, visible: visibleNow.filter(Boolean).length};
  }

  function serialize(token) {
    const els = st.els || [];
    const measured = new Map(els.map((e, i) => [e, i]));
    // Pair each copy with its live element through a temporary index attribute (set, cloned, removed in
    // this one task): scripts may have added or removed elements since they were measured.
    const live = Array.from(document.querySelectorAll("body *"));
    live.forEach((e, k) => e.setAttribute("data-syndicheck-i", String(k)));
    const clone = document.documentElement.cloneNode(true);
    live.forEach((e) => e.removeAttribute("data-syndicheck-i"));
    const copies = Array.from(clone.querySelectorAll("body *"));
    const urls = [];
    for (let n = 0; n < copies.length; n++) {
      const c = copies[n];
      const el = live[Number(c.getAttribute("data-syndicheck-i"))];
      c.removeAttribute("data-syndicheck-i");
      const i = el ? measured.get(el) : undefined;
      const ok = i !== undefined;
      let vis = ok ? st.vis[i] : false;
      if (!ok && el) {  // added after it was measured: judged as it stands now, at the desktop width
        const r = el.getBoundingClientRect();
        vis = cssVisible(el) && (r.width > 1 && r.height > 1 || (el.textContent || "").trim() !== "");
      }
      c.removeAttribute("style");
      if (c.hasAttribute("class")) {
        const kept = Array.from(c.classList).filter((k) => !HIDING_CLASSES.has(k.toLowerCase()));
        if (kept.length) c.setAttribute("class", kept.join(" ")); else c.removeAttribute("class");
      }
      if (vis) c.removeAttribute("hidden"); else c.setAttribute("hidden", "");
      if (ok && st.box[i]) c.setAttribute("data-syndicheck-box", st.box[i].join(","));
      else c.removeAttribute("data-syndicheck-box");  // only boxes measured here (a page cannot place itself)
      const src = c.tagName === "IMG" && ok ? st.loaded[i] : null;
      if (src) {  // drawn: its pixels (filled in by session.py) and its drawn size; the URL stays for its name
        for (const a of LAZY) c.removeAttribute(a);
        if (src.startsWith("data:")) c.setAttribute("src", src);
        else { c.setAttribute("src", "syndicheck-image:" + urls.length); c.setAttribute("data-src", src); urls.push(src); }
        if (st.box[i]) { c.setAttribute("width", String(st.box[i][2])); c.setAttribute("height", String(st.box[i][3])); }
      }
      // An image that never loaded keeps its attributes: unknown to the browser, it is judged as statically.
    }
    // What is shown shows its containers too (one filled in after it was measured, say).
    for (const c of copies) {
      if (c.hasAttribute("hidden")) continue;
      for (let p = c.parentElement; p && p.hasAttribute("hidden"); p = p.parentElement) p.removeAttribute("hidden");
    }
    for (const s of clone.querySelectorAll("picture > source")) {  // the <img> says what was drawn, if anything
      const img = s.parentElement.querySelector("img");
      if (img && img.getAttribute("src") && img.getAttribute("src").startsWith("data:")) s.remove();
    }
    for (const s of clone.querySelectorAll("script, style, noscript, link[rel~=stylesheet i], link[rel~=preload i], link[rel~=modulepreload i]")) s.remove();
    for (const e of clone.querySelectorAll("[style]")) e.removeAttribute("style");
    for (const e of clone.querySelectorAll('meta[name="syndicheck-boxes" i]')) e.remove();  // the page's own
    const head = clone.querySelector("head");
    if (head) {
      const m = document.createElement("meta");
      m.setAttribute("name", "syndicheck-rendered");
      m.setAttribute("content", "1");
      head.prepend(m);
      if (token) {  // the boxes are this process's measurement (checker/article/positions.py trusts them)
        const t = document.createElement("meta");
        t.setAttribute("name", "syndicheck-boxes");
        t.setAttribute("content", String(token));
        m.after(t);
      }
    }
    return {html: "<!DOCTYPE html>\n" + clone.outerHTML, images: urls};
  }

  return {measure, serialize};
})();
true;
