import Foundation
import HTTPServer
import Statistics

extension DaemonAPI {
    /// Prometheus text exposition format 0.0.4: counters end in `_total`, one HELP/TYPE per family.
    static func metrics(_ core: DaemonCore) -> HTTPResponse {
        let s = core.live.snapshot
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(labels: [(String, String)], value: Double)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for sample in samples {
                let labels = sample.labels.isEmpty ? ""
                    : "{" + sample.labels.map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: ",") + "}"
                out += "\(name)\(labels) \(number(sample.value))\n"
            }
        }
        family("hookd_info", "gauge", "Build information.", [([("version", version)], 1)])
        family("hookd_active_run", "gauge", "Id of the run being trained, 0 when idle.", [([], Double(s.activeRunID ?? 0))])
        family("hookd_runs_queued", "gauge", "Runs waiting for the training queue.", [([], Double(core.waitingRuns.count))])
        family("hookd_runs_ended_total", "counter", "Runs this process ended, by final status.",
               s.runsEnded.sorted { $0.key < $1.key }.map { ([("status", $0.key)], Double($0.value)) })
        family("hookd_batches_total", "counter", "Training batches completed by this process.", [([], Double(s.batchesTotal))])
        family("hookd_images_total", "counter", "Training images seen by this process.", [([], Double(s.imagesTotal))])
        let live = s.activeRunID.flatMap { s.progress[$0] }
        let run = [("run", live.map { String($0.runID) } ?? "")]
        if let p = live {
            family("hookd_epoch", "gauge", "Epoch of the active run (0-based).", [(run, Double(p.epoch))])
            family("hookd_global_batch", "gauge", "Training batches done by the active run.", [(run, Double(p.iteration))])
            family("hookd_loss", "gauge", "Training loss of the active run's last batch.", [(run, p.loss ?? .nan)])
            family("hookd_learning_rate", "gauge", "Learning rate of the active run's last batch.", [(run, p.learningRate ?? .nan)])
            family("hookd_images_per_second", "gauge", "Training throughput of the active run's current epoch.",
                   [(run, p.imagesPerSecond ?? .nan)])
            if let accuracy = p.accuracy {
                family("hookd_accuracy", "gauge", "Validation accuracy after the active run's last epoch.", [(run, accuracy)])
            }
        }
        let latest = s.latest.values.sorted { ($0.path, $0.kind) < ($1.path, $1.kind) }
        let layer = { (l: LatestStat) in [("layer", l.path), ("kind", l.kind)] }
        for statistic in Statistic.allCases {
            family(statistic.metricName, "gauge", "\(statistic.help) of the layer's last recorded activations (or gradients).",
                   latest.compactMap { l in l.values.value(statistic).map { (layer(l), $0) } })
        }
        family("hookd_activation_batch", "gauge", "Global batch of the layer's last recorded statistics.",
               latest.map { (layer($0), Double($0.batch)) })
        family("hookd_hooks_attached", "gauge", "Hooks attached to the active run.", [([], Double(s.openHooks.count))])
        family("hookd_hook_seconds_total", "counter", "Seconds spent in forward statistics hooks.", [([], s.hookSeconds)])
        family("hookd_stats_rows_committed_total", "counter", "Stats rows committed to SQLite by this process.",
               [([], Double(core.writer.committedRows))])
        family("hookd_stats_rows_dropped_total", "counter", "Stats rows that will never be committed (queue full, write errors).",
               [([], Double(core.writer.droppedRows))])
        family("hookd_stats_rows_pending", "gauge", "Stats rows waiting for the SQLite writer.", [([], Double(core.writer.pendingRows))])
        family("hookd_stats_writer_retrying", "gauge", "1 while the SQLite writer retries a failed commit (disk full), else 0.",
               [([], core.writer.isRetrying ? 1 : 0)])
        // From the stats file, so the counts survive a restart like the alerts themselves.
        family("hookd_alerts_total", "counter", "Training-health alerts raised, by rule and layer.",
               ((try? core.reader.alertCounts()) ?? []).map { ([("rule", $0.rule), ("layer", $0.path)], Double($0.count)) })
        return .text(out, contentType: "text/plain; version=0.0.4; charset=utf-8")
    }

    private static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    private static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
