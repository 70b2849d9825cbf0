package dev.crossbar.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The PostgreSQL server the tests use, found once per JVM: the one named by {@code CROSSBAR_TEST_PG_URL}
 * ({@code CROSSBAR_TEST_PG_USER}, {@code CROSSBAR_TEST_PG_PASSWORD}) when set; else a Testcontainers
 * PostgreSQL when Docker is available; else the machine's server at 127.0.0.1:5432, database {@code test},
 * user {@code postgres}. Each test gets its own schema, dropped afterwards, so runs can overlap.
 */
final class PostgresServer {
    record Coordinates(String url, String user, char[] password) {}

    private static Coordinates coordinates;
    @SuppressWarnings("resource") // stopped with the JVM (Testcontainers' reaper)
    private static PostgreSQLContainer container;

    private PostgresServer() {}

    static synchronized Coordinates get() {
        if (coordinates == null) {
            coordinates = locate();
        }
        return coordinates;
    }

    private static Coordinates locate() {
        String url = System.getenv("CROSSBAR_TEST_PG_URL");
        String password = System.getenv("CROSSBAR_TEST_PG_PASSWORD");
        if (url != null && !url.isBlank()) {
            return new Coordinates(url, env("CROSSBAR_TEST_PG_USER", "postgres"),
                    password == null ? null : password.toCharArray());
        }
        if (dockerAvailable()) {
            container = new PostgreSQLContainer("postgres:16-alpine");
            container.start();
            return new Coordinates(container.getJdbcUrl(), container.getUsername(),
                    container.getPassword().toCharArray());
        }
        return new Coordinates("jdbc:postgresql://127.0.0.1:5432/test", env("CROSSBAR_TEST_PG_USER", "postgres"),
                password == null ? null : password.toCharArray());
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable t) {
            return false;
        }
    }

    private static String env(String name, String otherwise) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? otherwise : v;
    }

    static String newSchemaName() {
        byte[] random = new byte[6];
        ThreadLocalRandom.current().nextBytes(random);
        return "crossbar_test_" + HexFormat.of().formatHex(random);
    }

    static void dropSchema(String schema) {
        Coordinates c = get();
        Properties props = new Properties();
        props.setProperty("user", c.user());
        if (c.password() != null) {
            props.setProperty("password", new String(c.password()));
        }
        try (Connection conn = DriverManager.getConnection(c.url(), props); Statement s = conn.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test schema " + schema + ": " + e.getMessage(), e);
        }
    }
}
