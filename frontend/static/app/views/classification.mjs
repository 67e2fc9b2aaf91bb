// The explained classification, as the referral page and the eligibility
// check both show it: outcome, primary category, every basis with its end,
// the reasons table (rule, explanation, source), the facts missing to decide,
// and the suggested level with its reasons.
//
// Both take a "view" that model.mjs reads: a referral from the staff API, or
// { classification: { result, levelSuggestion } } from POST /v1/eligibility.

import { html, summaryList, table, warningText, tag } from '../html.mjs'
import { categoryText, categoryNumber, outcomeTag, levelText, levelNumber, dateText, dateTimeText, sourceText } from '../format.mjs'
import { pick, classificationOf, suggestedLevelOf, suggestedLevelReasons, levelSuggestionOf, reasonsOf, basesOf } from '../model.mjs'

const END_SOURCES = { police: 'Date given by the police', computed: 'Worked out from the notification period', facts: 'Date given in the referral' }

/** When a basis ends, from the engine's { kind, date, source }. */
export function endText (until, { stored = true } = {}) {
  if (!until || typeof until !== 'object') return until ? dateText(String(until)) : undefined
  const src = !stored && until.source === 'facts' ? 'Date you gave' : (END_SOURCES[until.source] || until.source)
  switch (until.kind) {
    case 'date': return until.date ? html`${dateText(until.date)}${src ? html`<br><span class="govuk-body-s">${src}</span>` : ''}` : undefined
    case 'indefinite': return 'No end date (indefinite)'
    case 'while-licence': return 'When the licence ends (date not given)'
    case 'while-order': return 'When the order ends (date not given)'
    case 'while-notification': return 'When the notification period ends (date not known)'
    case 'ra-decides': return 'When the responsible authority decides'
    default: return until.date ? dateText(until.date) : until.kind
  }
}

function basisRows (c, opts) {
  return basesOf(c).map((b) => {
    if (typeof b !== 'object') return [categoryText(b), null, null]
    return [
      categoryText(pick(b, 'category')),
      pick(b, 'rule'),
      endText(pick(b, 'until'), opts)
    ]
  })
}

function reasonRows (c) {
  return reasonTableRows(reasonsOf(c))
}

/**
 * A reasons table's rows: [what the rule found, in words; the rule's id (for
 * docs/rules.md); the law or guidance it comes from].
 */
export function reasonTableRows (reasons) {
  return (Array.isArray(reasons) ? reasons : []).map((r) => typeof r === 'object'
    ? [pick(r, 'sentence'), ruleId(pick(r, 'rule')), sourceText(pick(r, 'source'))]
    : [String(r), null, null])
}

/** The rule id, small: people read the words and the source; the id is for looking the rule up. */
function ruleId (id) {
  return id ? html`<span class="govuk-body-s app-secondary app-rule-id">${id}</span>` : null
}

/** The head of a reasons table. */
export const REASON_HEAD = ['What the rules found', 'Rule', 'Source (law or guidance)']

/**
 * The classification. stored: true for a referral (shows when it was
 * classified), false for a check (shows the day it was worked out for).
 */
export function classificationSection (view, { stored = true } = {}) {
  const c = classificationOf(view)
  if (!c || Object.keys(c).length === 0) {
    return html`<h2 class="govuk-heading-m" id="classification">Classification</h2>
      <p class="govuk-body">This referral has not been classified yet. It usually takes a few seconds: reload the page.</p>`
  }
  const missing = pick(c, 'missing') || []
  const bases = basisRows(c, { stored })
  const reasons = reasonRows(c)
  return html`<h2 class="govuk-heading-m" id="classification">Classification</h2>
    ${summaryList([
      { key: 'Outcome', value: outcomeTag(pick(c, 'outcome')) },
      { key: 'Primary category', value: categoryNumber(pick(c, 'primaryCategory')) ? categoryText(pick(c, 'primaryCategory')) : (pick(c, 'primaryCategory') === 0 ? 'None' : undefined) },
      { key: 'Eligible until', value: c.eligibleUntil ? endText(c.eligibleUntil, { stored }) : (pick(c, 'outcome') === 'eligible' ? undefined : 'Not applicable') },
      stored
        ? { key: 'Classified', value: pick(c, 'classifiedAt') ? dateTimeText(pick(c, 'classifiedAt')) : undefined }
        : { key: 'Worked out for', value: pick(c, 'asOf', 'decidedOn') ? dateText(pick(c, 'asOf', 'decidedOn')) : undefined },
      { key: 'Offence list version', value: pick(c, 'offenceListVersion') }
    ])}
    ${c.needsHumanDecision ? warningText('The rules leave this to a person to decide. Read the reasons below.') : ''}
    ${(Array.isArray(c.followUps) ? c.followUps : []).map((f) => html`<div class="govuk-warning-text" id="follow-up-${f.kind}">
      <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
      <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span> ${f.route ? `${f.route}: ` : ''}${f.why} ${f.who ? `For ${f.who}: consider child protection procedures.` : ''}</strong>
    </div>`)}
    ${Array.isArray(missing) && missing.length ? html`<div class="govuk-inset-text">
      <h3 class="govuk-heading-s">${pick(c, 'outcome') === 'cannot-decide' ? 'Information missing to decide' : 'Information that could change the category or its end'}</h3>
      <ul class="govuk-list govuk-list--bullet">${missing.map((m) => html`<li>${typeof m === 'object' ? pick(m, 'fact') : m}</li>`)}</ul>
    </div>` : ''}
    ${bases.length ? table({ id: 'bases', caption: 'Every basis for MAPPA eligibility', captionSize: 's', head: ['Category', 'Rule', 'Ends'], rows: bases }) : html`<p class="govuk-body">No basis for MAPPA eligibility was found.</p>`}
    ${reasons.length ? table({ id: 'reasons', caption: 'Why: the rules applied', captionSize: 's', head: REASON_HEAD, rows: reasons }) : html`<p class="govuk-body">No reasons were recorded.</p>`}`
}

/** The level suggestion; confirmed: also the case's confirmed level (referrals). */
export function levelSection (view, { confirmed: showConfirmed = true } = {}) {
  const level = suggestedLevelOf(view)
  const reasons = suggestedLevelReasons(view)
  const missing = pick(levelSuggestionOf(view), 'missing') || []
  const confirmed = pick(view, 'case.level')
  const rows = reasonTableRows(reasons)
  return html`<h2 class="govuk-heading-m" id="level">Level of management</h2>
    ${summaryList([
      { key: 'Suggested level', value: levelNumber(level) ? levelText(level) : 'No level suggested' },
      showConfirmed ? { key: 'Confirmed level', value: levelNumber(confirmed) ? html`${levelText(confirmed)} ${tag('Confirmed', 'green')}` : 'Not confirmed yet' } : null
    ].filter(Boolean))}
    ${Array.isArray(missing) && missing.length ? html`<div class="govuk-inset-text">
      <h3 class="govuk-heading-s">Information that would let a level be suggested</h3>
      <ul class="govuk-list govuk-list--bullet">${missing.map((m) => html`<li>${typeof m === 'object' ? pick(m, 'fact') : m}</li>`)}</ul>
    </div>` : ''}
    ${rows.length ? table({ id: 'level-reasons', caption: 'Why this level is suggested', captionSize: 's', head: REASON_HEAD, rows }) : ''}`
}

