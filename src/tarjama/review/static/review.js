// tarjama review: the editor's side of the document page. Plain JavaScript, no framework and
// nothing loaded from elsewhere. Text from the server is only ever set with textContent or
// .value; the only HTML inserted is what this server rendered (its templates escape every text).
(function () {
  'use strict';

  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var nameInput = document.getElementById('editor-name');
  var NAME_KEY = 'tarjama-review-editor';
  try { nameInput.value = window.localStorage.getItem(NAME_KEY) || ''; } catch (e) { /* private mode */ }
  nameInput.addEventListener('input', function () {
    try { window.localStorage.setItem(NAME_KEY, nameInput.value); } catch (e) { /* private mode */ }
  });

  function request(method, url, body) {
    var options = {method: method, credentials: 'same-origin', headers: {'Accept': 'application/json'}};
    if (body !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.headers['X-CSRF-Token'] = csrf;
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      var type = response.headers.get('Content-Type') || '';
      var read = type.indexOf('application/json') === 0 ? response.json() : response.text();
      return read.then(function (data) {
        if (!response.ok) {
          var error = new Error((data && data.error) || (response.status + ' ' + response.statusText));
          error.details = (data && data.details) || [];
          throw error;
        }
        return data;
      });
    });
  }

  var doc = document.getElementById('doc');
  if (!doc) { return; }  // the document list needs nothing more
  var docNo = doc.dataset.doc;
  var order = doc.dataset.order;
  var rowsEl = document.getElementById('rows');
  var noticeEl = document.getElementById('notice');

  function notice(text, kind) {
    noticeEl.textContent = text;
    noticeEl.className = kind || '';
    noticeEl.hidden = !text;
  }

  function fromHTML(html) {
    var t = document.createElement('template');
    t.innerHTML = html.trim();
    return t.content.firstElementChild;
  }

  // --- the editing box, moved into whichever sentence is active --------------------------
  var box = document.createElement('div');
  box.className = 'editbox';
  var area = document.createElement('textarea');
  area.className = 'en-edit';
  area.rows = 3;
  area.setAttribute('aria-label', 'English translation');
  area.spellcheck = true;
  var tools = document.createElement('div');
  tools.className = 'tools';
  function button(label, cls, title) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = cls;
    b.textContent = label;
    b.title = title;
    return b;
  }
  var approveButton = button('Approve', 'approve', 'Ctrl+Enter: approve and go to the next sentence needing review');
  var undoButton = button('Undo edit', 'revert', 'Esc');
  tools.append(approveButton, undoButton);
  var suggestionList = document.createElement('ul');
  suggestionList.className = 'suggestions';
  box.append(area, tools, suggestionList);

  var active = null;
  var drafts = {};   // sentence number -> text typed but not approved
  var spent = {};    // sentence number -> seconds of editing not yet sent
  var lastInput = Date.now();

  function rows() { return Array.prototype.slice.call(rowsEl.querySelectorAll('article.sentence')); }

  function activate(row, focus) {
    if (!row) { return; }
    if (active === row) { if (focus) { area.focus(); } return; }
    deactivate();
    active = row;
    var n = row.dataset.number;
    var view = row.querySelector('.en-view');
    row.dataset.base = view.textContent;
    area.value = Object.prototype.hasOwnProperty.call(drafts, n) ? drafts[n] : view.textContent;
    view.hidden = true;
    view.after(box);
    row.classList.add('active');
    suggestionList.textContent = '';
    loadSuggestions(row);
    fit();
    row.scrollIntoView({block: 'nearest'});
    if (focus) { area.focus(); }
  }

  function fit() {
    area.style.height = 'auto';
    area.style.height = (area.scrollHeight + 4) + 'px';
  }
  area.addEventListener('input', fit);

  function deactivate() {
    if (!active) { return; }
    var n = active.dataset.number;
    if (area.value !== active.dataset.base) { drafts[n] = area.value; } else { delete drafts[n]; }
    active.classList.toggle('draft', Object.prototype.hasOwnProperty.call(drafts, n));
    box.remove();
    active.querySelector('.en-view').hidden = false;
    active.classList.remove('active');
    active = null;
  }

  function nextNeedingReview(from) {
    var all = rows();
    var start = all.indexOf(from);
    for (var k = 1; k <= all.length; k++) {
      var row = all[(start + k) % all.length];
      if (row !== from && row.dataset.status === 'review') { return row; }
    }
    for (var j = start + 1; j < all.length; j++) {
      if (all[j].dataset.status !== 'approved') { return all[j]; }
    }
    return null;
  }

  function move(step) {
    var all = rows();
    var at = active ? all.indexOf(active) : -1;
    var next = all[Math.max(0, Math.min(all.length - 1, at + step))];
    activate(next, true);
  }

  function updateStats(stats) {
    document.getElementById('stat-approved').textContent = stats.approved;
    document.getElementById('stat-review').textContent = stats.review;
    document.getElementById('stat-sentences').textContent = stats.sentences;
    var bar = document.getElementById('progress');
    bar.max = stats.sentences;
    bar.value = stats.approved;
    rowsEl.querySelectorAll('.review-count').forEach(function (el) { el.textContent = stats.review; });
  }

  function approve(row, thenNext) {
    var n = row.dataset.number;
    var text = row === active ? area.value : (drafts[n] || row.querySelector('.en-view').textContent);
    approveButton.disabled = true;
    return request('POST', '/api/doc/' + docNo + '/approve', {
      sentence: Number(n), translation: text, editor: nameInput.value,
      seconds: spent[n] || 0, base: row.dataset.base || null
    }).then(function (data) {
      delete drafts[n];
      spent[n] = 0;
      var wasActive = row === active;
      if (wasActive) { box.remove(); active = null; }
      var fresh = fromHTML(data.row);
      row.replaceWith(fresh);
      updateStats(data.stats);
      if (data.overrode) {
        notice('Replaced the approval by ' + (data.overrode.editor || 'someone') + ' made since you opened it: "' +
               data.overrode.translation + '" (both are kept in the memory\'s history).', 'warn');
      } else if (data.notes && data.notes.length) {
        notice('Approved; ' + data.notes.join('; ') + '.', 'warn');
      } else {
        notice('');
      }
      scheduleReport();
      if (thenNext) { activate(nextNeedingReview(fresh) || fresh, true); } else if (wasActive) { activate(fresh, true); }
    }).catch(function (error) {
      notice('Not approved: ' + error.message, 'error');
    }).finally(function () {
      approveButton.disabled = false;
    });
  }

  function loadSuggestions(row) {
    var n = row.dataset.number;
    request('GET', '/api/doc/' + docNo + '/sentences/' + n + '/suggestions').then(function (data) {
      if (active !== row) { return; }
      suggestionList.textContent = '';
      data.suggestions.forEach(function (s) {
        var li = document.createElement('li');
        var use = button('Use', 'use', 'Put this earlier approval in the editor');
        use.addEventListener('click', function () { area.value = s.translation; fit(); area.focus(); });
        var score = document.createElement('span');
        score.className = 'score';
        score.textContent = Math.floor(s.score) + ' %';
        var text = document.createElement('span');
        text.className = 'text';
        text.textContent = s.translation;
        var who = document.createElement('span');
        who.className = 'who';
        who.textContent = s.editor ? ' — ' + s.editor : '';
        var src = document.createElement('span');
        src.className = 'src';
        src.dir = 'rtl';
        src.lang = 'ar';
        src.textContent = s.source;
        li.append(use, score, text, who, src);
        suggestionList.append(li);
      });
    }).catch(function () { /* suggestions are a convenience */ });
  }

  // --- the report: HTER, edits, minutes ----------------------------------------------------
  var reportTimer = null;
  function loadReport() {
    request('GET', '/api/doc/' + docNo + '/report').then(function (r) {
      document.getElementById('report-hter').textContent = r.hter === null ? '—' : r.hter.toFixed(1);
      document.getElementById('report-edited').textContent = r.edited + ' of ' + r.approved + ' approved';
      document.getElementById('report-minutes').textContent = r.minutes.toFixed(1);
      document.getElementById('report-signature').textContent = r.signature || '';
    }).catch(function () { /* shown on the next approval */ });
  }
  function scheduleReport() {
    window.clearTimeout(reportTimer);
    reportTimer = window.setTimeout(loadReport, 800);
  }

  // --- time spent: counted while a sentence is open, the page visible and the editor active ---
  window.setInterval(function () {
    if (active && document.visibilityState === 'visible' && Date.now() - lastInput < 60000) {
      var n = active.dataset.number;
      spent[n] = (spent[n] || 0) + 1;
    }
  }, 1000);
  ['keydown', 'mousedown', 'input', 'wheel'].forEach(function (type) {
    document.addEventListener(type, function () { lastInput = Date.now(); }, true);
  });

  // --- glossary: a selected Arabic span and its English -----------------------------------
  var form = document.getElementById('glossary-form');
  var findingsEl = document.getElementById('glossary-findings');
  var resultEl = document.getElementById('glossary-result');
  var lastArabic = '';
  var floating = button('Add to glossary', 'float-add', 'Alt+G');
  floating.hidden = true;
  document.body.append(floating);

  function arabicSelection() {
    var sel = window.getSelection();
    if (!sel || sel.isCollapsed || !sel.anchorNode) { return null; }
    var el = sel.anchorNode.nodeType === 1 ? sel.anchorNode : sel.anchorNode.parentElement;
    if (!el || !el.closest('.col.ar')) { return null; }
    return sel;
  }

  function clean(text) {
    return text.replace(/^[\s\u060C\u061B\u061F.,:;!?()\[\]«»"'\u201C\u201D]+|[\s\u060C\u061B\u061F.,:;!?()\[\]«»"'\u201C\u201D]+$/g, '')
      .replace(/\s+/g, ' ');
  }

  document.addEventListener('selectionchange', function () {
    var sel = arabicSelection();
    if (sel) { lastArabic = clean(sel.toString()); }
  });
  rowsEl.addEventListener('mouseup', function () {
    var sel = arabicSelection();
    if (!sel || !clean(sel.toString())) { floating.hidden = true; return; }
    var rect = sel.getRangeAt(0).getBoundingClientRect();
    floating.style.top = (window.scrollY + rect.bottom + 6) + 'px';
    floating.style.left = (window.scrollX + rect.left) + 'px';
    floating.hidden = false;
  });
  floating.addEventListener('mousedown', function (e) { e.preventDefault(); });
  floating.addEventListener('click', openGlossary);
  document.getElementById('add-term').addEventListener('click', openGlossary);
  document.getElementById('glossary-cancel').addEventListener('click', closeGlossary);

  function openGlossary() {
    floating.hidden = true;
    var english = '';
    if (active && area.selectionEnd > area.selectionStart) {
      english = area.value.substring(area.selectionStart, area.selectionEnd).trim();
    }
    form.elements.ar.value = lastArabic;
    form.elements.en.value = english;
    findingsEl.textContent = '';
    resultEl.textContent = '';
    form.hidden = false;
    (lastArabic ? form.elements.en : form.elements.ar).focus();
  }

  function closeGlossary() {
    form.hidden = true;
    if (active) { area.focus(); }
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    findingsEl.textContent = '';
    resultEl.textContent = 'Checking…';
    request('POST', '/api/glossary', {
      ar: form.elements.ar.value, en: form.elements.en.value,
      kind: form.elements.kind.value, note: form.elements.note.value
    }).then(function (data) {
      resultEl.textContent = 'Added “' + data.en + '” on line ' + data.line + ' of the glossary' +
        (data.carried ? '; ' + data.carried + ' approvals carried over to it' : '') + '.';
      resultEl.className = 'ok';
      form.elements.ar.value = '';
      form.elements.en.value = '';
      form.elements.note.value = '';
      lastArabic = '';
      return refreshRows();
    }).catch(function (error) {
      resultEl.textContent = error.message;
      resultEl.className = 'error';
      (error.details || []).forEach(function (d) {
        var li = document.createElement('li');
        li.textContent = d;
        findingsEl.append(li);
      });
    });
  });

  function refreshRows() {
    var keep = active ? active.dataset.number : null;
    deactivate();
    return request('GET', '/doc/' + docNo + '/rows' + (order === 'document' ? '?order=document' : ''))
      .then(function (html) {
        rowsEl.innerHTML = html;
        rows().forEach(function (row) {
          if (Object.prototype.hasOwnProperty.call(drafts, row.dataset.number)) { row.classList.add('draft'); }
        });
        var stats = document.getElementById('rows-stats');
        if (stats) {
          updateStats({sentences: stats.dataset.sentences, review: stats.dataset.review, approved: stats.dataset.approved});
        }
        if (keep !== null) { activate(document.getElementById('s' + keep), false); }
      });
  }

  // --- export ------------------------------------------------------------------------------
  document.getElementById('export').addEventListener('click', function () {
    var out = document.getElementById('export-result');
    out.textContent = 'Writing…';
    request('POST', '/api/doc/' + docNo + '/export', {}).then(function (data) {
      out.textContent = 'Written: ' + data.name + ' (' + data.size + ' bytes)';
      out.className = 'ok';
    }).catch(function (error) {
      out.textContent = 'Not exported: ' + error.message;
      out.className = 'error';
    });
  });

  // --- mouse and keyboard ---------------------------------------------------------------------
  rowsEl.addEventListener('click', function (e) {
    var row = e.target.closest('article.sentence');
    if (!row || e.target.closest('a, button, summary, textarea')) { return; }
    // A click in the Arabic may be the start of a selection for the glossary: keep it.
    activate(row, !e.target.closest('.col.ar'));
  });
  approveButton.addEventListener('click', function () { if (active) { approve(active, false); } });
  undoButton.addEventListener('click', function () {
    if (active) { area.value = active.dataset.base; delete drafts[active.dataset.number]; area.focus(); }
  });

  document.addEventListener('keydown', function (e) {
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
      if (active && !form.contains(e.target)) { e.preventDefault(); approve(active, true); }
      return;
    }
    if (e.altKey && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      e.preventDefault();
      move(e.key === 'ArrowDown' ? 1 : -1);
      return;
    }
    if (e.altKey && e.code === 'KeyG') {
      e.preventDefault();
      openGlossary();
      return;
    }
    if (e.key === 'Escape') {
      if (!form.hidden) { closeGlossary(); return; }
      if (active && e.target === area) { area.value = active.dataset.base; delete drafts[active.dataset.number]; }
    }
  });

  window.addEventListener('beforeunload', function (e) {
    if (active && area.value !== active.dataset.base) { drafts[active.dataset.number] = area.value; }
    if (Object.keys(drafts).length) { e.preventDefault(); e.returnValue = ''; }
  });

  loadReport();
  var first = rows().filter(function (r) { return r.dataset.status === 'review'; })[0] || rows()[0];
  activate(first, true);
}());
