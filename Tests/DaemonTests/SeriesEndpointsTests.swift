import Foundation
import Testing

/// `GET /runs/{id}/batches`, `/runs/{id}/epochs` and `/histograms/{layer}` on the real daemon,
/// checked against the rows of its SQLite file as Python's sqlite3 module reads them.
@Suite(.serialized) struct SeriesEndpointsTests {
    @Test func batchesEpochsAndHistogramsAreTheStoredRows() throws {
        let fixture = try DaemonFixture()
        let daemon = try fixture.start()
        defer { daemon.stop() }
        let c = daemon.client
        let hooks = #"[{"modules":["0.0"],"kind":"forward","stats":["mean","histogram"],"every":1}]"#
        let run = try daemon.submit(Specs.synthetic(name: "series", epochs: 2, batches: 48, hooks: hooks))
        try daemon.waitForRun(run, timeout: 120) { $0["status"] as? String == "finished" }

        let metrics = try Self.query(fixture.databasePath, "SELECT batch, epoch, loss, lr FROM batch_metrics WHERE run_id = \(run) ORDER BY batch")
        #expect(metrics.count == 96)
        let all = try c.get("/runs/\(run)/batches").json
        #expect(all["run"] as? Int == run)
        #expect(all["batch"] as? [Int] == metrics.map { $0["batch"] as! Int })
        #expect(all["epoch"] as? [Int] == metrics.map { $0["epoch"] as! Int })
        #expect(all["loss"] as? [Double] == metrics.map { $0["loss"] as! Double })
        #expect(all["lr"] as? [Double] == metrics.map { $0["lr"] as! Double })

        // limit: evenly spaced rows, first and last kept, the rule /stats follows (ceil(i·(n-1)/(L-1))).
        let sampled = try c.get("/runs/\(run)/batches?limit=10").json["batch"] as? [Int] ?? []
        let n = metrics.count
        #expect(sampled == (0..<10).map { i in metrics[(i * (n - 1) + 8) / 9]["batch"] as! Int })
        let range = try c.get("/runs/\(run)/batches?from=10&to=19&limit=4").json["batch"] as? [Int] ?? []
        #expect(range == [10, 13, 16, 19])

        let epochs = try Self.query(fixture.databasePath, "SELECT epoch, train_loss, valid_loss, accuracy, seconds FROM epoch_metrics WHERE run_id = \(run) ORDER BY epoch")
        let served = try c.get("/runs/\(run)/epochs").json
        #expect(served["epoch"] as? [Int] == [0, 1])
        for key in ["train_loss", "valid_loss", "accuracy", "seconds"] {
            #expect(served[key] as? [Double] == epochs.map { $0[key] as! Double }, "\(key)")
        }

        let histograms = try Self.query(fixture.databasePath, "SELECT batch, lo, hi, counts FROM histograms WHERE run_id = \(run) AND module = '0.0' ORDER BY batch")
        #expect(histograms.count == 96)
        let h = try c.get("/histograms/0.0?run=\(run)").json
        #expect(h["layer"] as? String == "0.0" && h["kind"] as? String == "forward")
        #expect(h["lo"] as? Double == 0 && h["hi"] as? Double == 10)
        #expect(h["batch"] as? [Int] == histograms.map { $0["batch"] as! Int })
        let counts = histograms.map { row in
            try! JSONSerialization.jsonObject(with: Data((row["counts"] as! String).utf8)) as! [Int]
        }
        #expect(h["counts"] as? [[Int]] == counts)
        #expect(counts.allSatisfy { $0.count == 40 })
        let few = try c.get("/histograms/0.0?run=\(run)&limit=3&from=5").json
        #expect(few["batch"] as? [Int] == [5, 50, 95])
        #expect((few["counts"] as? [[Int]])?.first == counts[5])
        // The colorful dimension and the mean line of one layer sample the same batches.
        for query in ["limit=7&from=3", "limit=5&from=10&to=40", "limit=95"] {
            let stats = try c.get("/stats/0.0?run=\(run)&\(query)").json["batch"] as? [Int]
            #expect(try c.get("/histograms/0.0?run=\(run)&\(query)").json["batch"] as? [Int] == stats, "\(query)")
        }

        // A known layer without histograms is empty; bad input says which parameter.
        let none = try c.get("/histograms/1.0?run=\(run)").json
        #expect(none["batch"] as? [Int] == [] && none["lo"] is NSNull)
        #expect(try c.get("/histograms/9.9?run=\(run)").errorCode == "layer_not_found")
        #expect(try c.get("/runs/999/batches").errorCode == "run_not_found")
        #expect(try c.get("/runs/999/epochs").status == 404)
        let badLimit = try c.get("/runs/\(run)/batches?limit=1")
        #expect(badLimit.status == 400 && badLimit.errorMessage.contains("limit"))
        #expect(try c.get("/histograms/0.0?kind=sideways").errorMessage.contains("kind"))
        #expect(try c.get("/runs/x/batches").status == 400)
    }

    /// Rows of `sql` as Python's sqlite3 module reads the file: not through hookd's reader, and
    /// with exact doubles (`repr` round-trips; the sqlite3 shell's float printing rounds).
    static func query(_ database: String, _ sql: String) throws -> [[String: Any]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", """
            import json, sqlite3, sys
            db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
            cursor = db.execute(sys.argv[2])
            names = [c[0] for c in cursor.description]
            print(json.dumps([dict(zip(names, row)) for row in cursor]))
            """, database, sql]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "python3 could not read \(database)")
        return try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
    }
}
