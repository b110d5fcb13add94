// StatsWriter throughput: N activation rows, 7 layers per batch, as training hands them over.
// Prints one JSON line like bench/store_peer.c, for bench/store.py.
import Dispatch
import Foundation
import StatsStore
import Statistics

let arguments = CommandLine.arguments
guard arguments.count == 3, let rows = Int(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: StoreBench FILE ROWS\n".utf8))
    exit(64)
}
let path = arguments[1]
try? FileManager.default.removeItem(atPath: path)
let layers = ["0.0", "0.1", "1.0", "1.1", "2.0", "2.1", "3.0"]
// Rows per transaction as the C peer (1000); capacity for every row, so nothing is dropped.
let writer = try StatsWriter(path: path, flushPolicy: FlushPolicy(maxRows: 1000, maxDelayMilliseconds: 1_000_000),
                             queuePolicy: QueuePolicy(capacity: rows + 1000, blockMilliseconds: 50))
let run = try writer.createRun(name: "bench", spec: "{}")
let start = DispatchTime.now()
var batch: Int64 = 0
var written = 0
while written < rows {
    let n = min(layers.count, rows - written)
    writer.record((0..<n).map { i in
        ActivationStatRow(runID: run, path: layers[i], kind: .forward, batch: batch, epoch: 0, values: StatValues([
            .mean: Double(batch) * 1e-3, .std: 1 + Double(i) * 1e-2, .nearZero: 0.5, .min: -3, .max: 3,
        ]))
    })
    written += n
    batch += 1
}
try writer.flush()
let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
try writer.close()
print(#"{"peer": "hookd-writer", "rows": \#(rows), "dropped": \#(writer.droppedRows), "seconds": \#(seconds), "rows_per_s": \#(Double(rows) / seconds)}"#)
