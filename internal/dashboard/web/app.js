// streamscale dashboard: follows /events (server-sent events) and redraws uPlot charts.
// State is kept in window.dashboard for inspection (and the browser tests).
(function () {
  "use strict";
  const MAX_FRAMES = 900;
  const COLORS = ["#2563eb", "#16a34a", "#dc2626", "#9333ea", "#ea580c", "#0891b2", "#4b5563", "#ca8a04"];
  const state = { info: null, frames: [], received: 0, charts: {} };
  window.dashboard = state;

  const $ = (id) => document.getElementById(id);
  const fmt = (x, digits) => x == null || isNaN(x) ? "-" :
    Number(x).toLocaleString("en-US", { maximumFractionDigits: digits == null ? 0 : digits });
  const dur = (ms) => {
    if (ms == null || ms < 0) return "-";
    let s = Math.floor(ms / 1000);
    const h = Math.floor(s / 3600); s -= h * 3600;
    const m = Math.floor(s / 60); s -= m * 60;
    return (h ? h + "h " : "") + (h || m ? m + "m " : "") + s + "s";
  };
  const bytes = (b) => b == null ? "-" : b < 1024 ? b + " B" : b < 1048576 ? (b / 1024).toFixed(1) + " KiB" : (b / 1048576).toFixed(1) + " MiB";

  // chart(id, labels, opts) keeps one uPlot per id; it is made again when its series change.
  function chart(id, labels, data, opts) {
    const el = $(id);
    const key = labels.join("\u0000");
    let c = state.charts[id];
    if (!c || c.key !== key) {
      if (c) c.plot.destroy();
      const series = [{}].concat(labels.map((l, i) => Object.assign({
        label: l, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: true,
      }, (opts && opts.series && opts.series[i]) || {})));
      const plotOpts = {
        width: Math.max(el.clientWidth, 300), height: 220, series: series,
        scales: Object.assign({ x: { time: true } }, (opts && opts.scales) || {}),
        axes: (opts && opts.axes) || [{}, { size: 70 }],
        legend: { live: true },
      };
      c = state.charts[id] = { key: key, plot: new uPlot(plotOpts, data, el) };
    } else {
      c.plot.setData(data);
    }
    let points = 0;
    for (let i = 0; i < data[0].length; i++) {
      for (let s = 1; s < data.length; s++) { if (data[s][i] != null) { points++; break; } }
    }
    el.dataset.points = points;
  }

  function series(get) { return state.frames.map(get); }

  function render() {
    const frames = state.frames;
    if (!frames.length) return;
    const last = frames[frames.length - 1];
    const info = state.info || {};
    const x = series((f) => f.at / 1000);
    const hub = (f, t) => (f.hubs || []).find((h) => h.topic === t);

    // Hubs vs MAX VALUE.
    const inT = info.inTopic || "in", outT = info.outTopic || "out";
    const hubLabels = [inT + " in", inT + " read", outT + " in", outT + " read"];
    const hubData = [x,
      series((f) => (hub(f, inT) || {}).inPerSec),
      series((f) => (hub(f, inT) || {}).outPerSec),
      series((f) => (hub(f, outT) || {}).inPerSec),
      series((f) => (hub(f, outT) || {}).outPerSec)];
    const hubOpts = { series: [] };
    if (last.maxInPerSec) {
      hubLabels.push("MAX VALUE in", "MAX VALUE out");
      hubData.push(series((f) => f.maxInPerSec || null), series((f) => f.maxOutPerSec || null));
      hubOpts.series[4] = { dash: [6, 4], stroke: "#111827", width: 1 };
      hubOpts.series[5] = { dash: [2, 4], stroke: "#111827", width: 1 };
    }
    chart("chart-hubs", hubLabels, hubData, hubOpts);

    const rateLabels = ["achieved"], rateData = [x, series((f) => (hub(f, inT) || {}).inPerSec)];
    if (info.targetPerSec) { rateLabels.push("target"); rateData.push(series((f) => f.targetPerSec || null)); }
    chart("chart-rate", rateLabels, rateData, { series: [{}, { dash: [6, 4] }] });

    chart("chart-latency", ["pipeline p50", "pipeline p99", "end-to-end p50", "end-to-end p99"], [x,
      series((f) => f.latency ? f.latency.pipelineP50 : null),
      series((f) => f.latency ? f.latency.pipelineP99 : null),
      series((f) => f.latency ? f.latency.endToEndP50 : null),
      series((f) => f.latency ? f.latency.endToEndP99 : null)]);

    chart("chart-lag", ["lag"], [x, series((f) => f.lag)]);
    chart("chart-relayed", ["relayed/s", "dead-lettered/s"], [x,
      series((f) => f.relayedPerSec), series((f) => f.deadLetteredPerSec)]);

    // Records out per operator: Flink's Prometheus reporter when it answers (per operator,
    // fresh each sample), else the REST API's per-task figures (refreshed every few seconds).
    const fromProm = frames.some((f) => f.operators && f.operators.length);
    const rows = (f) => fromProm ? (f.operators || []) : ((f.job && f.job.vertices) || []).map((v) => ({ name: v.name, outPerSec: v.recordsOutPerSec }));
    const names = [];
    frames.forEach((f) => rows(f).forEach((o) => { if (!names.includes(o.name)) names.push(o.name); }));
    const short = (n) => n.length > 40 ? n.slice(0, 37) + "…" : n;
    $("operators-caption").textContent = fromProm ? "Records/s out per operator (Prometheus reporter)" : "Records/s out per Flink task (REST)";
    chart("chart-operators", names.map(short), [x].concat(names.map((n) => series((f) => {
      const o = rows(f).find((o) => o.name === n);
      return o ? o.outPerSec : null;
    }))));

    chart("chart-checkpoints", ["duration ms", "size bytes"], [x,
      series((f) => f.job && f.job.checkpoints ? f.job.checkpoints.lastDurationMs : null),
      series((f) => f.job && f.job.checkpoints ? f.job.checkpoints.lastSizeBytes : null)],
      { series: [{ scale: "ms" }, { scale: "bytes" }], scales: { ms: {}, bytes: {} },
        axes: [{}, { scale: "ms", size: 70 }, { scale: "bytes", side: 1, size: 80, grid: { show: false } }] });
    chart("chart-throttle", ["throttle ms/s"], [x, series((f) => f.throttleMsPerSec)]);

    // Tiles.
    const job = last.job;
    const st = $("job-state");
    st.textContent = job ? job.state : "-";
    st.className = "v" + (job ? " state-" + job.state : "");
    $("job-uptime").textContent = job ? dur(job.uptimeMs) : "-";
    $("job-restarts").textContent = job && job.restarts >= 0 ? fmt(job.restarts) : "-";
    $("job-checkpoints").textContent = job && job.checkpoints ? fmt(job.checkpoints.completed) + " / " + fmt(job.checkpoints.failed) : "-";
    $("lag").textContent = fmt(last.lag);
    $("relayed").textContent = fmt(last.relayed);
    $("dead-lettered").textContent = fmt(last.deadLettered);
    $("in-rate").textContent = fmt((hub(last, inT) || {}).inPerSec, 1);
    $("pipeline-p99").textContent = last.latency ? fmt(last.latency.pipelineP99, 1) + " ms" : "-";
    $("updated").textContent = new Date(last.at).toLocaleTimeString();
    if (job) $("info-job").textContent = job.name + " (" + job.id + ")";

    const errs = $("errors");
    errs.replaceChildren(...Object.entries(last.errors || {}).map(([k, v]) => {
      const li = document.createElement("li"); li.textContent = k + ": " + v; return li;
    }));

    const body = $("vertices").querySelector("tbody");
    body.replaceChildren(...((job && job.vertices) || []).map((v) => {
      const tr = document.createElement("tr");
      const bp = v.backpressure ? v.backpressure + " (" + fmt(v.backpressureRatio * 100) + "%)" : "-";
      [v.name, v.parallelism, v.status, bp, fmt(v.recordsInPerSec, 1), fmt(v.recordsOutPerSec, 1), fmt(v.readRecords), fmt(v.writeRecords)]
        .forEach((t, i) => {
          const td = document.createElement("td"); td.textContent = t;
          if (i === 3 && v.backpressure) td.className = "bp-" + v.backpressure;
          tr.appendChild(td);
        });
      return tr;
    }));
  }

  function add(f) {
    state.frames.push(f);
    if (state.frames.length > MAX_FRAMES) state.frames.shift();
    state.received++;
    document.body.dataset.frames = state.received;
  }

  function showInfo(info) {
    state.info = info;
    $("info-brokers").textContent = (info.brokers || []).join(", ") || "-";
    const a = $("info-flink");
    if (info.flinkUrl) { a.textContent = info.flinkUrl; a.href = info.flinkUrl; }
    $("info-job").textContent = info.jobId || info.jobName || "-";
    $("info-topics").textContent = (info.inTopic || "?") + " → " + (info.outTopic || "?") + " (group " + (info.group || "?") + ")";
    $("info-tier").textContent = info.tier || "-";
    $("info-guarantee").textContent = info.guarantee || "-";
    $("interval").textContent = (info.intervalMs / 1000) + " s";
    if (!info.latencyFromTopic) $("latency-caption").textContent += " (no Kafka connection: none)";
  }

  function connect() {
    const es = new EventSource("events");
    const conn = $("conn");
    es.addEventListener("open", () => { conn.textContent = "live"; conn.className = "conn live"; });
    es.addEventListener("error", () => { conn.textContent = "reconnecting…"; conn.className = "conn down"; });
    es.addEventListener("history", (e) => {
      state.frames = [];
      JSON.parse(e.data || "[]").forEach(add);
      render();
    });
    es.addEventListener("frame", (e) => { add(JSON.parse(e.data)); render(); });
  }

  fetch("api/info").then((r) => r.json()).then((info) => { showInfo(info); connect(); })
    .catch((e) => { $("conn").textContent = "no server: " + e; $("conn").className = "conn down"; });
  window.addEventListener("resize", () => {
    Object.entries(state.charts).forEach(([id, c]) => c.plot.setSize({ width: Math.max($(id).clientWidth, 300), height: 220 }));
  });
})();
