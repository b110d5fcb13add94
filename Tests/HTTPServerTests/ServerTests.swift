import Foundation
import Platform
import Testing

@testable import HTTPServer

@Suite("HTTPServer over real TCP sockets")
struct ServerTests {
    typealias Echo = ServerFixture.Echo

    @Test func getRoundTripWithEncodedPathAndQuery() throws {
        try ServerFixture.withServer { _, port in
            let client = try RawHTTPClient(port: port)
            let response = try client.exchange("GET", "/stats/body%2Elayer1%2E0%2Econv1?kind=back+ward&from=3")
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "application/json")
            let echo = try ServerFixture.decode(Echo.self, response)
            #expect(echo.layer == "body.layer1.0.conv1")
            #expect(echo.query == ["kind": "back ward", "from": "3"])
            #expect(echo.remote == "127.0.0.1")
            // An encoded slash stays inside the parameter: the raw URI reaches the router.
            let slash = try ServerFixture.decode(Echo.self, try client.exchange("GET", "/stats/a%2Fb"))
            #expect(slash.layer == "a/b")
        }
    }

    @Test func postAndDeleteRoundTrips() throws {
        try ServerFixture.withServer { _, port in
            let client = try RawHTTPClient(port: port)
            let posted = try client.exchange(
                "POST", "/runs", headers: ["Content-Type": "application/json"],
                body: Array(#"{"name":"fashion","train":{"epochs":3}}"#.utf8))
            #expect(posted.status == 202)
            #expect(posted.text == #"{"epochs":"3","name":"fashion"}"# || posted.text == #"{"name":"fashion","epochs":"3"}"#)
            let deleted = try client.exchange("DELETE", "/runs/7")
            #expect(deleted.status == 200)
            #expect(deleted.text == #"{"cancelled":"7"}"#)
        }
    }

    @Test func keepAliveServesTwoRequestsOnOneConnection() throws {
        try ServerFixture.withServer { _, port in
            let client = try RawHTTPClient(port: port)
            let first = try client.exchange("GET", "/health")
            #expect(first.status == 200)
            #expect(first.headers["connection"]?.lowercased() != "close")
            let second = try client.exchange("POST", "/echo", body: Array(repeating: 65, count: 10))
            #expect(second.status == 200)
            #expect(second.headers["connection"]?.lowercased() != "close")
            #expect(try ServerFixture.decode(Echo.self, second).bodyBytes == 10)
            // Both requests were answered without reconnecting, and the server keeps the socket.
            #expect(try client.exchange("GET", "/health").status == 200)
        }
    }

    @Test func bodyArrivingInManyChunksIsReassembled() throws {
        try ServerFixture.withServer { _, port in
            let client = try RawHTTPClient(port: port)
            let body = (0..<700_000).map { UInt8(truncatingIfNeeded: $0) }
            let response = try client.exchange("POST", "/echo", body: body)
            #expect(response.status == 200)
            #expect(try ServerFixture.decode(Echo.self, response).bodyBytes == 700_000)
        }
    }

    @Test func declaredOversizeBodyIs413() throws {
        let config = HTTPServerConfig(port: 0, maxBodyBytes: 1000, logErrors: false)
        try ServerFixture.withServer(config) { _, port in
            let client = try RawHTTPClient(port: port)
            let response = try client.exchange("POST", "/echo", body: Array(repeating: 1, count: 1001))
            #expect(response.status == 413)
            #expect(response.text == #"{"error":{"code":"payload_too_large","message":"request body exceeds the limit of 1000 bytes"}}"#)
            // At the limit is fine.
            let ok = try RawHTTPClient(port: port).exchange("POST", "/echo", body: Array(repeating: 1, count: 1000))
            #expect(ok.status == 200)
        }
    }

    @Test func chunkedOversizeBodyIs413() throws {
        let config = HTTPServerConfig(port: 0, maxBodyBytes: 1000, logErrors: false)
        try ServerFixture.withServer(config) { _, port in
            let client = try RawHTTPClient(port: port)
            var request = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            for _ in 0..<3 { request += "258\r\n" + String(repeating: "a", count: 600) + "\r\n" }
            request += "0\r\n\r\n"
            try client.send(request)
            let response = try client.readResponse()
            #expect(response.status == 413)
            #expect(response.text.contains("payload_too_large"))
        }
    }

    @Test func expectContinueIsHonouredAndOversizeIsRefusedUpFront() throws {
        let config = HTTPServerConfig(port: 0, maxBodyBytes: 1000, logErrors: false)
        try ServerFixture.withServer(config) { _, port in
            let client = try RawHTTPClient(port: port)
            try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
            #expect(try client.readResponse().status == 100)
            try client.send("hello")
            let echoed = try client.readResponse()
            #expect(echoed.status == 200)
            #expect(try ServerFixture.decode(ServerFixture.Echo.self, echoed).bodyBytes == 5)

            // Oversize: answered 413 before the client sends a single body byte.
            let refused = try RawHTTPClient(port: port)
            try refused.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n")
            #expect(try refused.readResponse().status == 413)
        }
    }

    @Test func tokenIsRequiredOnTheWire() throws {
        let config = HTTPServerConfig(port: 0, logErrors: false)
        try ServerFixture.withServer(config, token: "s3cret") { _, port in
            let client = try RawHTTPClient(port: port)
            let missing = try client.exchange("DELETE", "/runs/1")
            #expect(missing.status == 401)
            #expect(missing.headers["www-authenticate"] == "Bearer")
            #expect(missing.text.contains(#""code":"unauthorized""#))
            let wrong = try client.exchange("DELETE", "/runs/1", headers: ["Authorization": "Bearer s3creX"])
            #expect(wrong.status == 401)
            let right = try client.exchange("DELETE", "/runs/1", headers: ["Authorization": "Bearer s3cret"])
            #expect(right.status == 200)
            #expect(try client.exchange("GET", "/health").status == 200)
        }
    }

    @Test func malformedJSONIs400NamingThePath() throws {
        try ServerFixture.withServer { _, port in
            let client = try RawHTTPClient(port: port)
            let json = ["Content-Type": "application/json; charset=utf-8"]
            let wrongType = try client.exchange("POST", "/runs", headers: json, body: Array(#"{"name":"a","train":{"epochs":"x"}}"#.utf8))
            #expect(wrongType.status == 400)
            #expect(wrongType.text.contains(#""code":"invalid_json""#))
            #expect(wrongType.text.contains("$.train.epochs"))
            let broken = try client.exchange("POST", "/runs", headers: json, body: Array(#"{"name":"#.utf8))
            #expect(broken.status == 400)
            #expect(broken.text.contains("malformed JSON"))
        }
    }

    @Test func wrongContentTypeIs415() throws {
        try ServerFixture.withServer { _, port in
            let response = try RawHTTPClient(port: port).exchange(
                "POST", "/runs", headers: ["Content-Type": "text/plain"], body: Array("{}".utf8))
            #expect(response.status == 415)
            #expect(response.text.contains(#""code":"unsupported_media_type""#))
        }
    }

    @Test func unknownPathAndWrongMethodOnTheWire() throws {
        try ServerFixture.withServer { _, port in
            let client = try RawHTTPClient(port: port)
            #expect(try client.exchange("GET", "/nope").status == 404)
            let wrong = try client.exchange("PUT", "/health", body: [1])
            #expect(wrong.status == 405)
            #expect(wrong.headers["allow"] == "GET, HEAD")
            let head = try client.exchange("HEAD", "/health")
            #expect(head.status == 200)
            #expect(head.headers["content-length"] == "15")
            #expect(try client.exchange("GET", "/health").text == #"{"status":"ok"}"#)
        }
    }

    @Test func serverThreadsRunAtTheConfiguredNice() throws {
        let baseline = ThreadPriority.currentNice
        let config = HTTPServerConfig(port: 0, threadNice: 7, logErrors: false)
        try ServerFixture.withServer(config) { _, port in
            let response = try RawHTTPClient(port: port).exchange("GET", "/nice")
            // Raising priority needs privileges, so a process already nicer than 7 stays where it is.
            #expect(Int32(response.text) == max(baseline, 7))
        }
        let untouched = HTTPServerConfig(port: 0, threadNice: nil, logErrors: false)
        try ServerFixture.withServer(untouched) { _, port in
            let text = try RawHTTPClient(port: port).exchange("GET", "/nice").text
            #expect(Int32(text) == baseline)
        }
    }
}
