// Reports for the Strategic Management Board: for each group of figures, an
// accessible SVG bar chart (role="img" with a title and description; the
// bars are decoration for the table beside it, which holds every number)
// and the table, and a CSV download of the whole range. The figures come
// from GET /v1/staff/reports (counters kept as events happen). Page title
// "Reports".

import { html, table, button } from '../html.mjs'
import { api } from '../api.mjs'

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
// GOV.UK colours with enough contrast against white (WCAG 1.4.11).
const COLOURS = ['#1d70b8', '#d4351c', '#00703c', '#4c2c92', '#f47738', '#505a5f']

export function monthText (m) {
  const [y, mm] = String(m).split('-')
  return `${MONTHS[Number(mm) - 1] || mm} ${y}`
}

function shortMonth (m) {
  const [y, mm] = String(m).split('-')
  return `${(MONTHS[Number(mm) - 1] || mm).slice(0, 3)} ${y.slice(2)}`
}

function monthDayText (d) {
  const [y, m, day] = String(d || '').split('-')
  return day ? `${Number(day)} ${MONTHS[Number(m) - 1] || m} ${y}` : String(d || '')
}

/** An SVG grouped bar chart of chart's metrics over months. */
export function barChart (chart, months, id) {
  const metrics = chart.metrics
  const max = Math.max(1, ...months.flatMap((m) => metrics.map((x) => m.counts[x.id] || 0)))
  const W = 640
  const H = 240
  const left = 36
  const bottom = 40
  const plotW = W - left - 8
  const plotH = H - bottom - 10
  const groupW = plotW / Math.max(1, months.length)
  const barW = Math.max(2, (groupW - 6) / metrics.length)
  const ticks = [0, Math.ceil(max / 2), max]
  const total = metrics.map((x) => months.reduce((n, m) => n + (m.counts[x.id] || 0), 0))
  const desc = `${metrics.map((x, i) => `${x.label}: ${total[i]} in total`).join('; ')}, from ${monthText(months[0].month)} to ${monthText(months[months.length - 1].month)}. The table has every figure.`
  return html`<figure class="app-chart govuk-!-margin-0">
    <svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-labelledby="${id}-title ${id}-desc" focusable="false" class="app-chart__svg">
      <title id="${id}-title">${chart.title}</title>
      <desc id="${id}-desc">${desc}</desc>
      ${ticks.map((t) => {
        const y = 10 + plotH - (t / max) * plotH
        return html`<line x1="${left}" x2="${W - 8}" y1="${y}" y2="${y}" stroke="#b1b4b6" stroke-width="1"></line><text x="${left - 6}" y="${y + 4}" text-anchor="end" font-size="12" fill="#0b0c0c">${t}</text>`
      })}
      ${months.map((m, i) => html`<g>
        ${metrics.map((x, j) => {
          const v = m.counts[x.id] || 0
          const h = (v / max) * plotH
          return html`<rect x="${left + i * groupW + 3 + j * barW}" y="${10 + plotH - h}" width="${barW - 1}" height="${h}" fill="${COLOURS[j % COLOURS.length]}"></rect>`
        })}
        <text x="${left + i * groupW + groupW / 2}" y="${H - bottom + 18}" text-anchor="middle" font-size="11" fill="#0b0c0c">${shortMonth(m.month)}</text>
      </g>`)}
    </svg>
    <figcaption>
      <ul class="govuk-list app-chart__key">
        ${metrics.map((x, j) => html`<li><span class="app-chart__swatch app-chart__swatch--${j % COLOURS.length}" aria-hidden="true"></span>${x.label}</li>`)}
      </ul>
    </figcaption>
  </figure>`
}

/** The CSV of every figure: one row per month, one column per metric. */
export function toCSV (body) {
  const metrics = body.charts.flatMap((c) => c.metrics)
  const cell = (v) => /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v)
  const rows = [['Month', ...metrics.map((m) => m.label)].map(cell).join(',')]
  for (const m of body.months) rows.push([m.month, ...metrics.map((x) => m.counts[x.id] || 0)].map(cell).join(','))
  return rows.join('\r\n') + '\r\n'
}

export function reportsPage (body) {
  const months = body.months || []
  return html`
    <span class="govuk-caption-l">Strategic Management Board</span>
    <h1 class="govuk-heading-l">Reports</h1>
    <p class="govuk-body">Figures from ${monthText(body.from)} to ${monthText(body.to)} for ${body.area && body.area !== 'all' ? body.area : 'this council’s MAPPA area'}, counted as referrals arrive, are classified and decided, as levels are recorded, as meetings are held and attendance recorded, and as actions are agreed and completed. Months are in UK time; meeting figures count in the month of the meeting.</p>
    <form id="range-form" class="govuk-!-margin-bottom-6" novalidate>
      <div class="govuk-form-group govuk-!-display-inline-block govuk-!-margin-right-4">
        <label class="govuk-label" for="from">From</label>
        <input class="govuk-input govuk-input--width-10" id="from" name="from" type="month" value="${body.from}">
      </div>
      <div class="govuk-form-group govuk-!-display-inline-block govuk-!-margin-right-4">
        <label class="govuk-label" for="to">To</label>
        <input class="govuk-input govuk-input--width-10" id="to" name="to" type="month" value="${body.to}">
      </div>
      ${button('Show', { secondary: true })}
    </form>
    <p class="govuk-body">${button('Download the figures (CSV)', { type: 'button', attrs: 'id="download-csv"' })}</p>
    ${body.now ? html`<section class="govuk-!-margin-bottom-9" aria-labelledby="now-heading" id="now">
      <h2 class="govuk-heading-m" id="now-heading">Actions today</h2>
      ${table({
        id: 'table-now',
        caption: `Actions agreed at meetings and not closed, on ${monthDayText(body.now.today)}`,
        captionSize: 's',
        head: ['Figure', 'Number'],
        numeric: [1],
        rows: [['Open actions', String(body.now.openActions)], ['Of them, past their due date', String(body.now.overdueActions)]]
      })}
    </section>` : ''}
    ${(body.charts || []).map((c) => html`<section class="govuk-!-margin-bottom-9" aria-labelledby="chart-${c.id}-heading" id="chart-${c.id}">
      <h2 class="govuk-heading-m" id="chart-${c.id}-heading">${c.title}</h2>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">${barChart(c, months, `svg-${c.id}`)}</div>
      </div>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-full"><div class="app-table-wrap" tabindex="0" role="region" aria-label="Table (scrolls sideways on a small screen)">${table({
          id: `table-${c.id}`,
          caption: `${c.title}, by month`,
          captionSize: 's',
          head: ['Month', ...c.metrics.map((x) => x.label)],
          numeric: c.metrics.map((_, i) => i + 1),
          rows: months.map((m) => [monthText(m.month), ...c.metrics.map((x) => String(m.counts[x.id] || 0))])
        })}</div></div>
      </div>
    </section>`)}`
}

export async function renderReports (ctx, params) {
  const q = new URLSearchParams()
  for (const k of ['from', 'to']) if (/^\d{4}-\d{2}$/.test(params.get(k) || '')) q.set(k, params.get(k))
  const body = await api(`/v1/staff/reports${q.toString() ? '?' + q : ''}`)
  if (!ctx.show('Reports', reportsPage(body))) return
  document.getElementById('range-form')?.addEventListener('submit', (e) => {
    e.preventDefault()
    const v = new FormData(e.target)
    const next = new URLSearchParams()
    for (const k of ['from', 'to']) if (v.get(k)) next.set(k, v.get(k))
    ctx.navigate(`/reports?${next}`)
  })
  document.getElementById('download-csv')?.addEventListener('click', () => {
    const url = URL.createObjectURL(new Blob([toCSV(body)], { type: 'text/csv;charset=utf-8' }))
    const a = document.createElement('a')
    a.href = url
    a.download = `mappa-board-figures-${body.from}-to-${body.to}.csv`
    document.body.appendChild(a)
    a.click()
    a.remove()
    setTimeout(() => URL.revokeObjectURL(url), 1000)
  })
}

export const _test = { toCSV, reportsPage, barChart }
