import Logging
import ProctorStorePostgres
import Testing

@Suite("PostgreSQL URLs")
struct PostgresURLTests {
    @Test func minimal() throws {
        let url = try PostgresURL("postgres://postgres@127.0.0.1:54329/postgres")
        #expect(url == PostgresURL(host: "127.0.0.1", port: 54329, username: "postgres", password: nil, database: "postgres", tls: .disable))
    }

    @Test func everything() throws {
        let url = try PostgresURL("postgresql://alice:s%40cr%2Fet@db.example.com/proctor?application_name=x&sslmode=require")
        #expect(url.host == "db.example.com")
        #expect(url.port == 5432)
        #expect(url.username == "alice")
        #expect(url.password == "s@cr/et")
        #expect(url.database == "proctor")
        #expect(url.tls == .require)
        // Logs never show the password.
        #expect(url.description == "postgres://alice:***@db.example.com:5432/proctor?sslmode=require")
    }

    @Test func defaults() throws {
        let url = try PostgresURL("postgres://bob@localhost")
        #expect(url.database == "bob")
        #expect(url.port == 5432)
        #expect(url.tls == .disable)
        #expect(try PostgresURL("postgres://bob@localhost/db?sslmode=disable").tls == .disable)
        #expect(try PostgresURL("postgres://bob@localhost/db?sslmode=prefer").tls == .disable)
        #expect(try PostgresURL("postgres://bob@localhost/db?sslmode=verify-full").tls == .verifyFull)
        #expect(try PostgresURL("postgres://bob@[::1]:5433/db").host == "::1")
    }

    @Test(arguments: [
        "mysql://root@localhost/db",
        "postgres://localhost/db",
        "postgres://@localhost/db",
        "postgres://bob@/db",
        "postgres://bob@localhost/db?sslmode=sometimes",
        "postgres://bob@localhost/db/extra",
        "not a url",
        "",
    ])
    func rejected(_ string: String) {
        #expect(throws: PostgresURLError.self) { try PostgresURL(string) }
    }

    @Test func storeRejectsABadURL() {
        #expect(throws: PostgresURLError.self) { try PostgresSessionStore.connect(url: "sqlite:///tmp/x", logger: Logger(label: "test")) }
    }

    @Test func clientConfiguration() throws {
        let configuration = try PostgresURL("postgres://u:p@h:6000/d").clientConfiguration
        #expect(configuration.host == "h")
        #expect(configuration.port == 6000)
        #expect(configuration.username == "u")
        #expect(configuration.password == "p")
        #expect(configuration.database == "d")
    }

    @Test func with() throws {
        let url = try PostgresURL("postgres://u@h/d").with(database: "other")
        #expect(url.database == "other")
        #expect(url.username == "u")
    }
}
