import Foundation
import Testing

/// `hookd train` judges its run like the daemon does; `hookd alerts` reads the alerts back.
@Suite struct AlertsCommandTests {
    @Test func aRunawayTrainWarnsOnStderrFailsAndItsAlertsAreListed() throws {
        let dir = try Scratch()
        let db = dir.path("stats.sqlite")
        let spec = try dir.write("runaway.json", """
            {"name": "runaway", "model": {"arch": "mlp", "layers": [784, 200, 10]},
             "data": {"format": "synthetic", "shape": [1, 28, 28], "classes": 10, "train_count": 4096, "valid_count": 64},
             "train": {"epochs": 1, "batch_size": 64, "optimizer": "sgd", "lr": 50, "schedule": "constant", "threads": 1}}
            """)
        let train = try HookdProcess.run(["train", spec, "--db", db])
        #expect(train.status != 0)
        #expect(train.stderr.contains("warning: run 1 alert non_finite on"), "\(train.stderr)")

        let json = try HookdProcess.run(["alerts", "--db", db, "--run", "1", "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let alerts = try #require((try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["alerts"] as? [[String: Any]])
        #expect(!alerts.isEmpty && alerts.allSatisfy { $0["rule"] as? String == "non_finite" }, "\(json.stdout)")

        let table = try HookdProcess.run(["alerts", "--db", db])
        #expect(table.status == 0 && table.stdout.hasPrefix("id") && table.stdout.contains("non_finite"), "\(table.stdout)")
        let csv = try HookdProcess.run(["alerts", "--db", db, "--format", "csv"])
        #expect(csv.stdout.hasPrefix("id,run,rule,path,kind,batch"))
        #expect(try HookdProcess.run(["alerts", "--db", db, "--run", "7"]).status == 1)
    }
}
