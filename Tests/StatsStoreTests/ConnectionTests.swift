import CSQLite
import Foundation
import Testing
@testable import StatsStore

@Suite("Connection and Statement")
struct ConnectionTests {
    @Test("binds every storage class and reads it back")
    func bindRoundTrip() throws {
        let dir = try TempDir()
        let db = try Connection(path: dir.path("a.db"))
        try db.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n)")
        let insert = try db.prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5)")
        try insert.bind(Int64.max, at: 1)
        try insert.bind(0.125, at: 2)
        try insert.bind("it's; DROP TABLE t; --", at: 3)
        try insert.bind([0, 1, 255] as [UInt8], at: 4)
        try insert.bindNull(at: 5)
        try insert.step()
        let select = try db.prepare("SELECT i, r, s, b, n FROM t")
        #expect(try select.step())
        #expect(select.int64(at: 0) == Int64.max)
        #expect(select.double(at: 1) == 0.125)
        #expect(select.string(at: 2) == "it's; DROP TABLE t; --")
        #expect(select.blob(at: 3) == [0, 1, 255])
        #expect(select.isNull(at: 4))
        #expect(select.optionalInt64(at: 4) == nil)
        #expect(try select.step() == false)
    }

    @Test("errors quote the SQL in GRDB's wording")
    func errorDescription() throws {
        let dir = try TempDir()
        let db = try Connection(path: dir.path("a.db"))
        let error = #expect(throws: SQLiteError.self) { try db.prepare("SELEC 1") }
        #expect(error?.code == SQLITE_ERROR)
        #expect(error?.description == "SQLite error 1: near \"SELEC\": syntax error - while executing `SELEC 1`")
    }

    @Test("a locked database reports error 5 with the statement")
    func lockedError() throws {
        let dir = try TempDir()
        let path = dir.path("a.db")
        let a = try Connection(path: path)
        try a.execute("CREATE TABLE t (x)")
        let b = try Connection(path: path)
        try a.execute("BEGIN EXCLUSIVE")
        let error = #expect(throws: SQLiteError.self) { try b.execute("INSERT INTO t VALUES (1)") }
        #expect(error?.code == SQLITE_BUSY)
        #expect(error?.description == "SQLite error 5: database is locked - while executing `INSERT INTO t VALUES (1)`")
        try a.execute("ROLLBACK")
    }

    @Test("transactions roll back when the body throws")
    func transactionRollback() throws {
        struct Boom: Error {}
        let dir = try TempDir()
        let db = try Connection(path: dir.path("a.db"))
        try db.execute("CREATE TABLE t (x)")
        #expect(throws: Boom.self) {
            try db.transaction {
                try db.execute("INSERT INTO t VALUES (1)")
                throw Boom()
            }
        }
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 0)
        #expect(db.isInTransaction == false)
    }

    @Test("close throws while a statement is alive, then succeeds once it is gone")
    func closeWithLiveStatement() throws {
        let dir = try TempDir()
        let db = try Connection(path: dir.path("a.db"))
        var statement: Statement? = try db.prepare("SELECT 1")
        #expect(throws: SQLiteError.self) { try db.close() }
        #expect(statement != nil)
        statement = nil
        try db.close()
        #expect(throws: SQLiteError.self) { try db.execute("SELECT 1") }
    }

    @Test("read-only open never creates the file")
    func readOnlyDoesNotCreate() throws {
        let dir = try TempDir()
        let path = dir.path("missing.db")
        #expect(throws: SQLiteError.self) { try Connection(path: path, flags: [.readOnly]) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
