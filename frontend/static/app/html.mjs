// Escaped HTML templates and GOV.UK Design System components.
//
// Every value interpolated into html`...` is escaped unless it is itself the
// result of html`...` (a Raw), so data from the API can never inject markup.

export class Raw {
  constructor (s) { this.s = s }
  toString () { return this.s }
}

const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escape (v) {
  return String(v).replace(/[&<>"']/g, (c) => ESC[c])
}

function fragment (v) {
  if (v === null || v === undefined || v === false) return ''
  if (v instanceof Raw) return v.s
  if (Array.isArray(v)) return v.map(fragment).join('')
  return escape(v)
}

/** html`<p>${text}</p>` escapes text; nested html`` stays as markup. */
export function html (strings, ...values) {
  let out = strings[0]
  values.forEach((v, i) => { out += fragment(v) + strings[i + 1] })
  return new Raw(out)
}

export const NOT_KNOWN = 'Not known'

/** Text or "Not known" for missing values. */
export function orNotKnown (v) {
  if (v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) {
    return html`<span class="app-not-known">${NOT_KNOWN}</span>`
  }
  return v
}

export function tag (text, colour) {
  const cls = colour ? ` govuk-tag--${colour}` : ''
  return html`<strong class="govuk-tag${cls}">${text}</strong>`
}

/** rows: [{ key, value, id? }] */
export function summaryList (rows, { noBorder = false } = {}) {
  return html`<dl class="govuk-summary-list${noBorder ? ' govuk-summary-list--no-border' : ''}">
    ${rows.map((r) => html`<div class="govuk-summary-list__row"${r.id ? html` data-row="${r.id}"` : ''}>
      <dt class="govuk-summary-list__key">${r.key}</dt>
      <dd class="govuk-summary-list__value">${orNotKnown(r.value)}</dd>
    </div>`)}
  </dl>`
}

export function summaryCard (title, body) {
  return html`<div class="govuk-summary-card">
    <div class="govuk-summary-card__title-wrapper"><h2 class="govuk-summary-card__title">${title}</h2></div>
    <div class="govuk-summary-card__content">${body}</div>
  </div>`
}

/** head: [text], rows: [[cell]], caption: text */
export function table ({ caption, captionSize = 'm', head, rows, id, numeric = [] }) {
  return html`<table class="govuk-table"${id ? html` id="${id}"` : ''}>
    ${caption ? html`<caption class="govuk-table__caption govuk-table__caption--${captionSize}">${caption}</caption>` : ''}
    <thead class="govuk-table__head"><tr class="govuk-table__row">
      ${head.map((h, i) => html`<th scope="col" class="govuk-table__header${numeric.includes(i) ? ' govuk-table__header--numeric' : ''}">${h}</th>`)}
    </tr></thead>
    <tbody class="govuk-table__body">
      ${rows.map((row) => html`<tr class="govuk-table__row">
        ${row.map((c, i) => i === 0
          ? html`<th scope="row" class="govuk-table__header">${orNotKnown(c)}</th>`
          : html`<td class="govuk-table__cell${numeric.includes(i) ? ' govuk-table__cell--numeric' : ''}">${orNotKnown(c)}</td>`)}
      </tr>`)}
    </tbody>
  </table>`
}

/** errors: [{ href: '#field', text }] */
export function errorSummary (errors) {
  if (!errors || errors.length === 0) return ''
  return html`<div class="govuk-error-summary" data-module="govuk-error-summary">
    <div role="alert">
      <h2 class="govuk-error-summary__title">There is a problem</h2>
      <div class="govuk-error-summary__body">
        <ul class="govuk-list govuk-error-summary__list">
          ${errors.map((e) => html`<li>${e.href ? html`<a href="${e.href}">${e.text}</a>` : e.text}</li>`)}
        </ul>
      </div>
    </div>
  </div>`
}

export function notificationBanner ({ title = 'Important', heading, body, success = false }) {
  return html`<div class="govuk-notification-banner${success ? ' govuk-notification-banner--success' : ''}" role="${success ? 'alert' : 'region'}" aria-labelledby="govuk-notification-banner-title" data-module="govuk-notification-banner">
    <div class="govuk-notification-banner__header">
      <h2 class="govuk-notification-banner__title" id="govuk-notification-banner-title">${success ? 'Success' : title}</h2>
    </div>
    <div class="govuk-notification-banner__content">
      ${heading ? html`<p class="govuk-notification-banner__heading">${heading}</p>` : ''}
      ${body || ''}
    </div>
  </div>`
}

export function warningText (text) {
  return html`<div class="govuk-warning-text">
    <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
    <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span> ${text}</strong>
  </div>`
}

export function errorMessage (id, text) {
  if (!text) return ''
  return html`<p id="${id}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> ${text}</p>`
}

/**
 * Radios in a fieldset. items: [{ value, text, hint?, conditional? }]
 * The first input's id is `id` so an error summary link can focus it.
 */
export function radios ({ id, name, legend, legendSize = 'm', hint, items, error, value, inline = false }) {
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ')
  return html`<div class="govuk-form-group${error ? ' govuk-form-group--error' : ''}">
    <fieldset class="govuk-fieldset"${describedBy ? html` aria-describedby="${describedBy}"` : ''}>
      <legend class="govuk-fieldset__legend govuk-fieldset__legend--${legendSize}">${legend}</legend>
      ${hint ? html`<div id="${id}-hint" class="govuk-hint">${hint}</div>` : ''}
      ${errorMessage(id, error)}
      <div class="govuk-radios${inline ? ' govuk-radios--inline' : ''}" data-module="govuk-radios">
        ${items.map((it, i) => {
          const itemId = i === 0 ? id : `${id}-${i + 1}`
          return html`<div class="govuk-radios__item">
            <input class="govuk-radios__input" id="${itemId}" name="${name}" type="radio" value="${it.value}"${String(value) === String(it.value) ? html` checked` : ''}${it.hint ? html` aria-describedby="${itemId}-item-hint"` : ''}${it.conditional ? html` data-aria-controls="conditional-${itemId}"` : ''}>
            <label class="govuk-label govuk-radios__label" for="${itemId}">${it.text}</label>
            ${it.hint ? html`<div id="${itemId}-item-hint" class="govuk-hint govuk-radios__hint">${it.hint}</div>` : ''}
          </div>
          ${it.conditional ? html`<div class="govuk-radios__conditional govuk-radios__conditional--hidden" id="conditional-${itemId}">${it.conditional}</div>` : ''}`
        })}
      </div>
    </fieldset>
  </div>`
}

export function textarea ({ id, name, label, labelSize = 's', hint, error, value = '', rows = 4 }) {
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ')
  return html`<div class="govuk-form-group${error ? ' govuk-form-group--error' : ''}">
    <label class="govuk-label govuk-label--${labelSize}" for="${id}">${label}</label>
    ${hint ? html`<div id="${id}-hint" class="govuk-hint">${hint}</div>` : ''}
    ${errorMessage(id, error)}
    <textarea class="govuk-textarea${error ? ' govuk-textarea--error' : ''}" id="${id}" name="${name}" rows="${rows}"${describedBy ? html` aria-describedby="${describedBy}"` : ''}>${value}</textarea>
  </div>`
}

export function button (text, { secondary = false, warning = false, type = 'submit', attrs = '' } = {}) {
  const cls = secondary ? ' govuk-button--secondary' : warning ? ' govuk-button--warning' : ''
  return html`<button type="${type}" class="govuk-button${cls}" data-module="govuk-button" data-prevent-double-click="true"${attrs ? new Raw(' ' + attrs) : ''}>${text}</button>`
}

function describedBy (id, hint, error) {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ')
  return ids ? html` aria-describedby="${ids}"` : ''
}

/**
 * A text input. width: GOV.UK width class suffix ('10', '20', 'one-half', ...).
 * attrs: extra attributes as [name, value] pairs (escaped).
 */
export function input ({ id, name = id, label, labelSize = 's', hint, error, value = '', type = 'text', width, autocomplete, inputmode, spellcheck, attrs = [] }) {
  const widthCls = width ? (/^\d+$/.test(String(width)) ? ` govuk-input--width-${width}` : ` govuk-!-width-${width}`) : ''
  const extra = [
    autocomplete ? ['autocomplete', autocomplete] : null,
    inputmode ? ['inputmode', inputmode] : null,
    spellcheck !== undefined ? ['spellcheck', String(spellcheck)] : null,
    ...attrs
  ].filter(Boolean)
  return html`<div class="govuk-form-group${error ? ' govuk-form-group--error' : ''}">
    <label class="govuk-label${labelSize ? ` govuk-label--${labelSize}` : ''}" for="${id}">${label}</label>
    ${hint ? html`<div id="${id}-hint" class="govuk-hint">${hint}</div>` : ''}
    ${errorMessage(id, error)}
    <input class="govuk-input${widthCls}${error ? ' govuk-input--error' : ''}" id="${id}" name="${name}" type="${type}" value="${value ?? ''}"${describedBy(id, hint, error)}${extra.map(([k, v]) => html` ${k}="${v}"`)}>
  </div>`
}

/**
 * A GOV.UK date input: three inputs named `${id}-day`, `${id}-month`,
 * `${id}-year`. value: { day, month, year }. errorParts: which parts to mark
 * (['day'], ...); all three when there is an error and none are named.
 * The error summary links to `#${id}-day` (or the first part in error).
 */
export function dateInput ({ id, legend, legendSize = 's', hint, error, errorParts, value = {} }) {
  const parts = [['day', 'Day', 2], ['month', 'Month', 2], ['year', 'Year', 4]]
  const marked = error ? (errorParts && errorParts.length ? errorParts : ['day', 'month', 'year']) : []
  return html`<div class="govuk-form-group${error ? ' govuk-form-group--error' : ''}">
    <fieldset class="govuk-fieldset" role="group"${describedBy(id, hint, error)}>
      <legend class="govuk-fieldset__legend${legendSize ? ` govuk-fieldset__legend--${legendSize}` : ''}">${legend}</legend>
      ${hint ? html`<div id="${id}-hint" class="govuk-hint">${hint}</div>` : ''}
      ${errorMessage(id, error)}
      <div class="govuk-date-input" id="${id}">
        ${parts.map(([p, text, w]) => html`<div class="govuk-date-input__item">
          <div class="govuk-form-group">
            <label class="govuk-label govuk-date-input__label" for="${id}-${p}">${text}</label>
            <input class="govuk-input govuk-date-input__input govuk-input--width-${w}${marked.includes(p) ? ' govuk-input--error' : ''}" id="${id}-${p}" name="${id}-${p}" type="text" inputmode="numeric" value="${value[p] ?? ''}">
          </div>
        </div>`)}
      </div>
    </fieldset>
  </div>`
}

/** items: [{ value, text }] */
export function select ({ id, name = id, label, labelSize = 's', hint, error, value = '', items }) {
  return html`<div class="govuk-form-group${error ? ' govuk-form-group--error' : ''}">
    <label class="govuk-label${labelSize ? ` govuk-label--${labelSize}` : ''}" for="${id}">${label}</label>
    ${hint ? html`<div id="${id}-hint" class="govuk-hint">${hint}</div>` : ''}
    ${errorMessage(id, error)}
    <select class="govuk-select${error ? ' govuk-select--error' : ''}" id="${id}" name="${name}"${describedBy(id, hint, error)}>
      ${items.map((it) => html`<option value="${it.value}"${String(value ?? '') === String(it.value) ? html` selected` : ''}>${it.text}</option>`)}
    </select>
  </div>`
}

/**
 * Checkboxes in a fieldset. items: [{ name, text, id?, hint?, checked?, conditional? }]
 * (each box has its own name and the value "true"). The first box's id is `id`.
 */
export function checkboxes ({ id, legend, legendSize = 's', hint, error, items, small = false }) {
  return html`<div class="govuk-form-group${error ? ' govuk-form-group--error' : ''}">
    <fieldset class="govuk-fieldset"${describedBy(id, hint, error)}>
      <legend class="govuk-fieldset__legend${legendSize ? ` govuk-fieldset__legend--${legendSize}` : ''}">${legend}</legend>
      ${hint ? html`<div id="${id}-hint" class="govuk-hint">${hint}</div>` : ''}
      ${errorMessage(id, error)}
      <div class="govuk-checkboxes${small ? ' govuk-checkboxes--small' : ''}" data-module="govuk-checkboxes">
        ${items.map((it, i) => {
          const itemId = it.id || (i === 0 ? id : `${id}-${i + 1}`)
          return html`<div class="govuk-checkboxes__item">
            <input class="govuk-checkboxes__input" id="${itemId}" name="${it.name}" type="checkbox" value="true"${it.checked ? html` checked` : ''}${it.hint ? html` aria-describedby="${itemId}-item-hint"` : ''}${it.conditional ? html` data-aria-controls="conditional-${itemId}"` : ''}>
            <label class="govuk-label govuk-checkboxes__label" for="${itemId}">${it.text}</label>
            ${it.hint ? html`<div id="${itemId}-item-hint" class="govuk-hint govuk-checkboxes__hint">${it.hint}</div>` : ''}
          </div>
          ${it.conditional ? html`<div class="govuk-checkboxes__conditional govuk-checkboxes__conditional--hidden" id="conditional-${itemId}">${it.conditional}</div>` : ''}`
        })}
      </div>
    </fieldset>
  </div>`
}

/** A fieldset grouping other questions under a legend (a page section). */
export function fieldset ({ legend, legendSize = 'm', hint, id, body }) {
  return html`<div class="govuk-form-group">
    <fieldset class="govuk-fieldset"${id ? html` id="${id}"` : ''}${hint && id ? html` aria-describedby="${id}-hint"` : ''}>
      <legend class="govuk-fieldset__legend govuk-fieldset__legend--${legendSize}"><h2 class="govuk-fieldset__heading">${legend}</h2></legend>
      ${hint ? html`<div${id ? html` id="${id}-hint"` : ''} class="govuk-hint">${hint}</div>` : ''}
      ${body}
    </fieldset>
  </div>`
}

export function details ({ summary, body, open = false, id }) {
  return html`<details class="govuk-details"${id ? html` id="${id}"` : ''}${open ? html` open` : ''}>
    <summary class="govuk-details__summary"><span class="govuk-details__summary-text">${summary}</span></summary>
    <div class="govuk-details__text">${body}</div>
  </details>`
}
