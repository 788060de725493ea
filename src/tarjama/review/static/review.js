// tarjama review: the editor's side of the document page. Plain JavaScript, no framework and
// nothing loaded from elsewhere. Text from the server is only ever set with textContent or
// .value; the only HTML inserted is what this server rendered (its templates escape every text).
(function () {
  'use strict';

  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var nameInput = document.getElementById('editor-name');
  // The editor's name is kept from one visit to the next: in a cookie (cookies do not depend on the
  // port, and each tarjama review may get another one) and in localStorage.
  var NAME_KEY = 'tarjama-review-editor';
  var COOKIE = 'tarjama_editor';
  function savedName() {
    var fromCookie = '';
    document.cookie.split(';').forEach(function (part) {
      var kv = part.trim().split('=');
      if (kv[0] === COOKIE) { try { fromCookie = decodeURIComponent(kv.slice(1).join('=')); } catch (e) { /* bad cookie */ } }
    });
    var stored = '';
    try { stored = window.localStorage.getItem(NAME_KEY) || ''; } catch (e) { /* private mode */ }
    return fromCookie || stored;
  }
  nameInput.value = savedName();
  nameInput.addEventListener('input', function () {
    try { window.localStorage.setItem(NAME_KEY, nameInput.value); } catch (e) { /* private mode */ }
    document.cookie = COOKIE + '=' + encodeURIComponent(nameInput.value) + '; path=/; max-age=31536000; SameSite=Strict';
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
          error.data = data;
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
  var rejectButton = button('Reject', 'reject', 'Alt+R: the translation is wrong (its approval, if any, is withdrawn)');
  var draftButton = button('Back to draft', 'to-draft', 'Withdraw the approval or rejection');
  tools.append(approveButton, undoButton, rejectButton, draftButton);
  // Live QA: the run's checks on the English as it is typed.
  var qaList = document.createElement('ul');
  qaList.className = 'live-qa';
  qaList.setAttribute('aria-live', 'polite');
  // The comment kept in the memory.
  var commentForm = document.createElement('form');
  commentForm.className = 'comment-form';
  var commentInput = document.createElement('input');
  commentInput.name = 'comment';
  commentInput.placeholder = 'Comment on this sentence (kept in the memory, exported as a note)';
  commentInput.setAttribute('aria-label', 'Comment');
  var commentSave = button('Save comment', 'save-comment', 'Enter');
  commentSave.type = 'submit';
  commentForm.append(commentInput, commentSave);
  var suggestionList = document.createElement('ul');
  suggestionList.className = 'suggestions';
  box.append(area, tools, qaList, commentForm, suggestionList);

  var active = null;
  var confirmed = {};  // sentence number -> the English whose error findings the editor was told of
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
    var pane = row.querySelector('.terms-pane');
    if (pane) { pane.hidden = false; }
    var comment = row.querySelector('.comment-text');
    commentInput.value = comment ? comment.textContent : '';
    qaList.textContent = '';  // the previous sentence's QA must not show here, even for a moment
    approveButton.textContent = confirmed[n] === area.value ? 'Approve anyway' : 'Approve';
    draftButton.hidden = row.dataset.state === 'draft';
    rejectButton.hidden = row.dataset.state === 'rejected';
    loadSuggestions(row);
    runQA();
    fit();
    row.scrollIntoView({block: 'nearest'});
    if (focus) { area.focus(); }
  }

  function fit() {
    area.style.height = 'auto';
    area.style.height = (area.scrollHeight + 4) + 'px';
  }
  area.addEventListener('input', fit);

  // --- live QA ------------------------------------------------------------------------------
  var qaTimer = null;
  var qaSeq = 0;
  function runQA() {
    window.clearTimeout(qaTimer);
    qaTimer = window.setTimeout(checkNow, 200);
  }
  function checkNow() {
    if (!active) { return; }
    var row = active;
    var seq = ++qaSeq;
    request('POST', '/api/doc/' + docNo + '/qa', {sentence: Number(row.dataset.number), translation: area.value})
      .then(function (data) { if (seq === qaSeq && active === row) { showQA(data); } })
      .catch(function () { /* shown again on the next keystroke */ });
  }
  function showQA(data) {
    qaList.textContent = '';
    qaList.dataset.errors = data.errors;
    if (!data.findings.length) {
      var ok = document.createElement('li');
      ok.className = 'ok';
      ok.textContent = 'Live QA: no findings';
      qaList.append(ok);
      return;
    }
    data.findings.forEach(function (f) {
      var li = document.createElement('li');
      li.className = f.severity;
      var kind = document.createElement('b');
      kind.textContent = f.check;
      li.append(kind, ' ' + f.message);
      qaList.append(li);
    });
  }
  area.addEventListener('input', runQA);
  area.addEventListener('input', function () {
    // A changed English is asked about again if it has errors.
    if (active && confirmed[active.dataset.number] !== area.value) { approveButton.textContent = 'Approve'; }
  });

  function deactivate() {
    if (!active) { return; }
    var n = active.dataset.number;
    if (area.value !== active.dataset.base) { drafts[n] = area.value; } else { delete drafts[n]; }
    active.classList.toggle('draft', Object.prototype.hasOwnProperty.call(drafts, n));
    box.remove();
    active.querySelector('.en-view').hidden = false;
    var pane = active.querySelector('.terms-pane');
    if (pane) { pane.hidden = true; }
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
    document.getElementById('stat-rejected').textContent = stats.rejected || 0;
    document.getElementById('stat-sentences').textContent = stats.sentences;
    var bar = document.getElementById('progress');
    bar.max = stats.sentences;
    bar.value = stats.approved;
    rowsEl.querySelectorAll('.review-count').forEach(function (el) { el.textContent = stats.review; });
  }

  // A sentence's row after the server changed it (approval, status, comment).
  function replaceRow(row, html, reopen) {
    var wasActive = row === active;
    if (wasActive) { deactivate(); }
    var fresh = fromHTML(html);
    row.replaceWith(fresh);
    applyFilter();
    if (wasActive && reopen) { activate(fresh, true); }
    return fresh;
  }

  function approve(row, thenNext) {
    var n = row.dataset.number;
    var text = row === active ? area.value : (drafts[n] || row.querySelector('.en-view').textContent);
    approveButton.disabled = true;
    return request('POST', '/api/doc/' + docNo + '/approve', {
      sentence: Number(n), translation: text, editor: nameInput.value,
      seconds: spent[n] || 0, base: row.dataset.base || null, confirm: confirmed[n] === text
    }).then(function (data) {
      delete drafts[n];
      delete confirmed[n];
      spent[n] = 0;
      approveButton.textContent = 'Approve';
      var fresh = replaceRow(row, data.row, !thenNext);
      updateStats(data.stats);
      if (data.overrode) {
        notice('Replaced the approval by ' + (data.overrode.editor || 'someone') + ' made since you opened it: "' +
               data.overrode.translation + '" (both are kept in the memory\'s history).', 'warn');
      } else if (data.notes && data.notes.length) {
        notice('Approved; ' + data.notes.join('; ') + '.', 'warn');
      } else {
        notice('');
      }
      if (data.report) { showReport(data.report); }
      if (thenNext) { activate(nextNeedingReview(fresh) || fresh, true); }
    }).catch(function (error) {
      if (error.data && error.data.confirm) {
        // An English with error findings: asked once; the same English approved again goes through.
        confirmed[n] = text;
        approveButton.textContent = 'Approve anyway';
        if (row === active) { showQA(error.data.qa); }
        notice(error.message + ': ' + error.details.join('; '), 'warn');
        return;
      }
      notice('Not approved: ' + error.message, 'error');
    }).finally(function () {
      approveButton.disabled = false;
    });
  }

  function setStatus(row, status) {
    var n = row.dataset.number;
    return request('POST', '/api/doc/' + docNo + '/status', {
      sentence: Number(n), status: status, editor: nameInput.value, note: ''
    }).then(function (data) {
      replaceRow(row, data.row, true);
      updateStats(data.stats);
      if (data.report) { showReport(data.report); }
      notice(status === 'rejected' ? 'Rejected; the sentence keeps its machine translation until one is approved.' : 'Back to draft.');
    }).catch(function (error) { notice('Not changed: ' + error.message, 'error'); });
  }

  commentForm.addEventListener('submit', function (e) {
    e.preventDefault();
    if (!active) { return; }
    var row = active;
    var keep = area.value;
    request('POST', '/api/doc/' + docNo + '/comment', {
      sentence: Number(row.dataset.number), text: commentInput.value, editor: nameInput.value
    }).then(function (data) {
      drafts[row.dataset.number] = keep;
      var fresh = replaceRow(row, data.row, true);
      if (keep === fresh.dataset.base) { delete drafts[fresh.dataset.number]; }
      notice(commentInput.value ? 'Comment saved in the memory.' : 'Comment removed.');
    }).catch(function (error) { notice('Comment not saved: ' + error.message, 'error'); });
  });

  // --- the memory match and the glossary pane -------------------------------------------------
  function useMatch(row) {
    var target = row && row.querySelector('.tm-match .tm-target');
    if (!target || row !== active) { return false; }
    area.value = target.textContent;
    fit();
    runQA();
    area.focus();
    return true;
  }
  function insertTerm(row, k) {
    var items = row ? row.querySelectorAll('.terms-pane li') : [];
    if (k < 1 || k > items.length || row !== active) { return false; }
    var text = items[k - 1].dataset.en;
    var start = area.selectionStart, end = area.selectionEnd;
    area.setRangeText(text, start, end, 'end');
    fit();
    runQA();
    area.focus();
    return true;
  }
  rowsEl.addEventListener('click', function (e) {
    var li = e.target.closest('.terms-pane li');
    if (li) {
      var items = Array.prototype.slice.call(li.parentElement.children);
      insertTerm(li.closest('article.sentence'), items.indexOf(li) + 1);
    }
    if (e.target.closest('.tm-match')) { useMatch(e.target.closest('article.sentence')); }
  });

  // --- filters ------------------------------------------------------------------------------
  var filterEl = document.getElementById('filter');
  function shown(row, filter) {
    if (filter === 'all') { return true; }
    if (filter === 'review') { return row.dataset.status === 'review'; }
    if (filter === 'low') { return row.dataset.level === 'low'; }
    if (filter === 'edited') { return row.dataset.edited === 'true'; }
    if (filter === 'approved' || filter === 'rejected' || filter === 'draft') { return row.dataset.state === filter; }
    if (filter.indexOf('kind:') === 0) { return (' ' + row.dataset.kinds + ' ').indexOf(' ' + filter.slice(5) + ' ') >= 0; }
    return true;
  }
  function applyFilter() {
    var filter = filterEl.value;
    var count = 0;
    rows().forEach(function (row) {
      var visible = shown(row, filter) || row === active;
      row.hidden = !visible;
      if (visible) { count++; }
    });
    document.getElementById('filter-count').textContent = filter === 'all' ? '' : count + ' shown';
  }
  filterEl.addEventListener('change', applyFilter);

  function loadSuggestions(row) {
    var n = row.dataset.number;
    request('GET', '/api/doc/' + docNo + '/sentences/' + n + '/suggestions').then(function (data) {
      if (active !== row) { return; }
      suggestionList.textContent = '';
      data.suggestions.forEach(function (s) {
        var li = document.createElement('li');
        var use = button('Use', 'use', 'Put this earlier approval in the editor');
        use.addEventListener('click', function () { area.value = s.translation; fit(); runQA(); area.focus(); });
        var score = document.createElement('span');
        score.className = 'score';
        score.textContent = Math.floor(s.percent) + ' %';
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

  // --- the report: HTER, edits, minutes (sent with every approval) ----------------------------
  function showReport(r) {
    document.getElementById('report-hter').textContent = r.hter === null ? '—' : r.hter.toFixed(1);
    document.getElementById('report-edited').textContent = r.edited + ' of ' + r.approved + ' approved';
    document.getElementById('report-minutes').textContent = r.minutes.toFixed(1);
    document.getElementById('report-signature').textContent = r.signature || '';
    document.getElementById('report-explanation').textContent = r.explanation || '';
  }
  function loadReport() {
    request('GET', '/api/doc/' + docNo + '/report').then(showReport)
      .catch(function () { /* shown on the next approval */ });
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
          updateStats({sentences: stats.dataset.sentences, review: stats.dataset.review, approved: stats.dataset.approved,
                       rejected: stats.dataset.rejected});
        }
        applyFilter();
        if (keep !== null) { activate(document.getElementById('s' + keep), false); }
      });
  }

  // --- export ------------------------------------------------------------------------------
  function exporter(url) {
    return function () {
      var out = document.getElementById('export-result');
      out.textContent = 'Writing…';
      request('POST', url, {}).then(function (data) {
        out.textContent = 'Written: ' + data.path + ' (' + data.size + ' bytes)';
        out.className = 'ok';
      }).catch(function (error) {
        out.textContent = 'Not exported: ' + error.message;
        out.className = 'error';
      });
    };
  }
  document.getElementById('export').addEventListener('click', exporter('/api/doc/' + docNo + '/export'));
  document.getElementById('export-xliff').addEventListener('click', exporter('/api/doc/' + docNo + '/export-xliff'));

  // --- concordance: the memory's sources and targets ---------------------------------------------
  var concordance = document.getElementById('concordance');
  var concordanceOut = document.getElementById('concordance-results');
  concordance.addEventListener('submit', function (e) {
    e.preventDefault();
    var q = concordance.elements.q.value;
    request('GET', '/api/concordance?q=' + encodeURIComponent(q)).then(function (data) {
      concordanceOut.textContent = '';
      concordanceOut.hidden = false;
      var head = document.createElement('p');
      head.textContent = data.results.length + ' in the memory for “' + q + '”';
      concordanceOut.append(head);
      var table = document.createElement('table');
      data.results.forEach(function (r) {
        var tr = document.createElement('tr');
        tr.className = r.origin;
        var origin = document.createElement('td');
        origin.textContent = r.origin === 'human' ? 'approved' + (r.editor ? ' · ' + r.editor : '') : 'machine';
        var ar = document.createElement('td');
        ar.dir = 'rtl';
        ar.lang = 'ar';
        ar.textContent = r.source;
        var en = document.createElement('td');
        en.textContent = r.target;
        tr.append(origin, en, ar);
        table.append(tr);
      });
      concordanceOut.append(table);
    }).catch(function (error) {
      concordanceOut.hidden = false;
      concordanceOut.textContent = error.message;
    });
  });

  // --- glossary entries learned from approvals ---------------------------------------------------
  document.getElementById('show-suggestions').addEventListener('click', function () {
    var section = document.getElementById('term-suggestions');
    var list = document.getElementById('term-suggestion-list');
    request('GET', '/api/glossary/suggestions').then(function (data) {
      list.textContent = '';
      section.hidden = false;
      if (!data.suggestions.length) {
        var none = document.createElement('li');
        none.textContent = 'Nothing to suggest yet: a name needs two approvals that agree on it.';
        list.append(none);
      }
      data.suggestions.forEach(function (t) {
        var li = document.createElement('li');
        var add = button('Add…', 'add-suggested', 'Open it in the glossary form (lint runs before anything is written)');
        add.addEventListener('click', function () {
          openGlossary();
          form.elements.ar.value = t.ar;
          form.elements.en.value = t.en;
          form.elements.kind.value = t.kind;
          form.elements.note.value = 'approved in ' + t.support + ' sentences';
          form.elements.en.focus();
        });
        var ar = document.createElement('span');
        ar.dir = 'rtl';
        ar.lang = 'ar';
        ar.textContent = t.ar;
        var en = document.createElement('b');
        en.textContent = t.en;
        var meta = document.createElement('span');
        meta.className = 'meta';
        meta.textContent = t.kind + ' · ' + t.support + ' approvals';
        li.append(add, ' ', ar, ' → ', en, ' ', meta);
        list.append(li);
      });
    }).catch(function (error) { notice(error.message, 'error'); });
  });

  // --- mouse and keyboard ---------------------------------------------------------------------
  rowsEl.addEventListener('click', function (e) {
    var row = e.target.closest('article.sentence');
    if (!row || e.target.closest('a, button, summary, textarea')) { return; }
    // A click in the Arabic may be the start of a selection for the glossary: keep it.
    activate(row, !e.target.closest('.col.ar'));
  });
  approveButton.addEventListener('click', function () { if (active) { approve(active, false); } });
  rejectButton.addEventListener('click', function () { if (active) { setStatus(active, 'rejected'); } });
  draftButton.addEventListener('click', function () { if (active) { setStatus(active, 'draft'); } });
  undoButton.addEventListener('click', function () {
    if (active) { area.value = active.dataset.base; delete drafts[active.dataset.number]; runQA(); area.focus(); }
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
    if (e.altKey && e.code === 'KeyM') {
      if (useMatch(active)) { e.preventDefault(); }
      return;
    }
    if (e.altKey && e.code === 'KeyR') {
      if (active) { e.preventDefault(); setStatus(active, 'rejected'); }
      return;
    }
    if (e.altKey && e.code === 'KeyK') {
      e.preventDefault();
      document.getElementById('concordance-q').focus();
      return;
    }
    if (e.altKey && /^Digit[1-9]$/.test(e.code)) {
      if (insertTerm(active, Number(e.code.slice(5)))) { e.preventDefault(); }
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
