package io.fluxdb.engine.mysql.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxdb.engine.mysql.testing.TestOperator;
import io.fluxdb.testkit.MariaDbExtension;
import io.fluxdb.testkit.MariaDbProcess;
import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.SessionEventListener;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.jpa.HibernatePersistenceConfiguration;
import org.hibernate.tool.schema.Action;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hibernate ORM with MariaDB Connector/J: one CRUD scenario run directly against MariaDB and
 * then through the operator. Each run starts from an empty database and records what the
 * application observes; both records must be equal, and the direct one must show that every
 * feature really did its job (so that two equally broken runs cannot pass).
 */
@ExtendWith(MariaDbExtension.class)
class HibernateClientIT {
    private static final String DATABASE = "orm";
    private static final int AUTHORS = 5;
    private static final int EVENTS = 1000;
    private static final int BATCH_SIZE = 50;

    private static MariaDbProcess db;
    private static TestOperator operator;

    @BeforeAll
    static void start(MariaDbProcess server) {
        db = server;
        operator = TestOperator.start(db);
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.close();
        }
    }

    @Test
    void crudScenarioObservesTheSameThroughTheOperatorAsDirectly() throws SQLException {
        Observed direct = runScenario(db.jdbcUrl(DATABASE));
        // Through the operator with TLS, its certificate being self-signed.
        Observed throughOperator = runScenario(operator.jdbcUrl(DATABASE, "sslMode=trust"));

        assertScenarioDidItsJob(direct);
        assertThat(throughOperator).isEqualTo(direct);
    }

    /** What the application saw, step by step; compared as a whole between the two runs. */
    record Observed(
            List<String> schema,
            List<Long> authorIds,
            String foundName,
            int foundVersion,
            List<String> foundBookTitles,
            List<String> page,
            int versionAfterUpdate,
            String nameAfterUpdate,
            String conflict,
            String nameAfterConflict,
            long authorsAfterDelete,
            long booksAfterDelete,
            long eventsInserted,
            int jdbcBatches) {}

    private static void assertScenarioDidItsJob(Observed o) {
        // hbm2ddl created the tables, with the version and foreign key columns.
        assertThat(o.schema().stream().map(column -> column.split(" ")[0]))
                .contains("author.id", "author.version", "book.author_id", "book.version", "event.payload");
        // IDENTITY: the ids come from AUTO_INCREMENT, one per author, increasing.
        assertThat(o.authorIds()).hasSize(AUTHORS).isSorted().doesNotHaveDuplicates();
        assertThat(o.foundName()).isEqualTo(authorName(1));
        assertThat(o.foundVersion()).isZero();
        assertThat(o.foundBookTitles()).containsExactly(bookTitle(1, 0), bookTitle(1, 1));
        assertThat(o.page()).isEqualTo(expectedPage(2, 3));
        assertThat(o.versionAfterUpdate()).isEqualTo(o.foundVersion() + 1);
        assertThat(o.nameAfterUpdate()).isEqualTo("renamed");
        assertThat(o.conflict()).isEqualTo(OptimisticLockException.class.getSimpleName());
        // The first writer won; the stale one changed nothing.
        assertThat(o.nameAfterConflict()).isEqualTo("first writer");
        assertThat(o.authorsAfterDelete()).isEqualTo(AUTHORS - 1);
        assertThat(o.booksAfterDelete()).isEqualTo(totalBooks() - booksOf(AUTHORS));
        assertThat(o.eventsInserted()).isEqualTo(EVENTS);
        // Batched: far fewer JDBC batches than rows, at least one per BATCH_SIZE rows.
        assertThat(o.jdbcBatches()).isBetween(EVENTS / BATCH_SIZE, EVENTS / 2);
    }

    private static Observed runScenario(String url) throws SQLException {
        recreateDatabase();
        AtomicInteger batches = new AtomicInteger();
        try (SessionFactory factory = sessionFactory(url)) {
            List<String> schema = schema();

            // persist: author i has i + 1 books; the ids are generated by the server.
            List<Long> authorIds = read(factory, em -> {
                List<Author> authors = new ArrayList<>();
                for (int i = 1; i <= AUTHORS; i++) {
                    Author author = new Author(authorName(i));
                    for (int b = 0; b < booksOf(i); b++) {
                        author.addBook(new Book(bookTitle(i, b), publishedIn(i, b)));
                    }
                    em.persist(author);
                    authors.add(author);
                }
                em.flush();
                return authors.stream().map(a -> a.id).toList();
            });
            long firstId = authorIds.getFirst();

            // find, in a fresh persistence context so that it really reads the database.
            Author found = read(factory, em -> {
                Author a = em.find(Author.class, firstId);
                a.books.size(); // load the lazy collection inside the transaction
                return a;
            });

            // JPQL with join fetch and pagination: the LIMIT/OFFSET is applied by the server.
            List<String> page = read(factory, em -> em.createQuery(
                            "select b from Book b join fetch b.author a order by a.name desc, b.title", Book.class)
                    .setFirstResult(2)
                    .setMaxResults(3)
                    .getResultList()
                    .stream()
                    .map(b -> pageLine(b.author.name, b.title, b.year))
                    .toList());

            // update: the version goes up by one.
            write(factory, em -> em.find(Author.class, firstId).name = "renamed");
            Author updated = read(factory, em -> em.find(Author.class, firstId));

            String conflict = optimisticLockConflict(factory, authorIds.get(1));
            String nameAfterConflict = read(factory, em -> em.find(Author.class, authorIds.get(1)).name);

            // delete: the author's books go with it (cascade).
            long lastId = authorIds.getLast();
            write(factory, em -> em.remove(em.find(Author.class, lastId)));
            long authorsLeft = count(factory, "select count(a) from Author a");
            long booksLeft = count(factory, "select count(b) from Book b");

            // batch inserts: assigned ids, since Hibernate cannot batch IDENTITY inserts.
            try (Session session = factory.withOptions().eventListeners(new SessionEventListener() {
                        @Override
                        public void jdbcExecuteBatchStart() {
                            batches.incrementAndGet();
                        }
                    }).openSession()) {
                session.getTransaction().begin();
                for (int i = 0; i < EVENTS; i++) {
                    session.persist(new Event(i, "event " + i));
                    if ((i + 1) % BATCH_SIZE == 0) {
                        session.flush();
                        session.clear();
                    }
                }
                session.getTransaction().commit();
            }
            long events = count(factory, "select count(e) from Event e");

            return new Observed(schema, authorIds, found.name, found.version,
                    found.books.stream().map(b -> b.title).toList(), page, updated.version, updated.name,
                    conflict, nameAfterConflict, authorsLeft, booksLeft, events, batches.get());
        }
    }

    /**
     * Two persistence contexts load the same author; the second commits a change first, so the
     * first one's commit finds another version and must fail. Returns the JPA exception's name.
     */
    private static String optimisticLockConflict(SessionFactory factory, long id) {
        EntityManager stale = factory.createEntityManager();
        try {
            stale.getTransaction().begin();
            Author staleCopy = stale.find(Author.class, id);
            write(factory, em -> em.find(Author.class, id).name = "first writer");
            staleCopy.name = "second writer";
            try {
                stale.getTransaction().commit();
                return "no conflict";
            } catch (RuntimeException e) {
                return causeOfType(e, OptimisticLockException.class);
            }
        } finally {
            if (stale.getTransaction().isActive()) {
                stale.getTransaction().rollback();
            }
            stale.close();
        }
    }

    /** The simple name of {@code type} if it is in the cause chain (commit wraps it in a RollbackException). */
    private static String causeOfType(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.getSimpleName();
            }
        }
        return e.toString();
    }

    private static SessionFactory sessionFactory(String url) {
        return new HibernatePersistenceConfiguration("fluxdb-it")
                .managedClasses(Author.class, Book.class, Event.class)
                .jdbcUrl(url)
                .jdbcCredentials("root", db.rootPassword())
                .jdbcPoolSize(2)
                .schemaToolingAction(Action.CREATE)
                .property(AvailableSettings.STATEMENT_BATCH_SIZE, BATCH_SIZE)
                .createEntityManagerFactory();
    }

    /** Runs {@code work} in a transaction of its own persistence context and returns its result. */
    private static <T> T read(SessionFactory factory, Function<EntityManager, T> work) {
        return factory.fromTransaction(session -> work.apply(session));
    }

    /** Runs {@code work} in a transaction of its own persistence context, committed at the end. */
    private static void write(SessionFactory factory, Consumer<EntityManager> work) {
        factory.inTransaction(work::accept);
    }

    private static long count(SessionFactory factory, String jpql) {
        return read(factory, em -> em.createQuery(jpql, Long.class).getSingleResult());
    }

    /** The columns Hibernate created, read directly from MariaDB's catalog. */
    private static List<String> schema() throws SQLException {
        List<String> columns = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(DATABASE), "root", db.rootPassword());
                Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS"
                        + " WHERE TABLE_SCHEMA = '" + DATABASE + "' ORDER BY TABLE_NAME, COLUMN_NAME")) {
            while (rs.next()) {
                columns.add(rs.getString(1) + "." + rs.getString(2) + " " + rs.getString(3));
            }
        }
        return columns;
    }

    private static void recreateDatabase() throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(""), "root", db.rootPassword());
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DATABASE);
            s.execute("CREATE DATABASE " + DATABASE + " CHARACTER SET utf8mb4");
        }
    }

    /** The page the JPQL query should return, computed from the data the scenario persists. */
    private static List<String> expectedPage(int first, int size) {
        record Row(String author, String title, int year) {}
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i <= AUTHORS; i++) {
            for (int b = 0; b < booksOf(i); b++) {
                rows.add(new Row(authorName(i), bookTitle(i, b), publishedIn(i, b)));
            }
        }
        return rows.stream()
                .sorted(Comparator.comparing(Row::author).reversed().thenComparing(Row::title))
                .skip(first)
                .limit(size)
                .map(r -> pageLine(r.author(), r.title(), r.year()))
                .toList();
    }

    private static String pageLine(String author, String title, int year) {
        return author + ": " + title + " (" + year + ")";
    }

    private static int publishedIn(int author, int book) {
        return 1990 + author * 10 + book;
    }

    private static String authorName(int i) {
        return "author " + i;
    }

    private static String bookTitle(int author, int book) {
        return "book " + author + "." + book;
    }

    private static int booksOf(int author) {
        return author + 1;
    }

    private static int totalBooks() {
        int total = 0;
        for (int i = 1; i <= AUTHORS; i++) {
            total += booksOf(i);
        }
        return total;
    }

    @Entity(name = "Author")
    @Table(name = "author")
    static class Author {
        @Id
        @GeneratedValue(strategy = GenerationType.IDENTITY)
        Long id;

        String name;

        @Version
        int version;

        @OneToMany(mappedBy = "author", cascade = CascadeType.ALL, orphanRemoval = true)
        @OrderBy("title")
        List<Book> books = new ArrayList<>();

        protected Author() {}

        Author(String name) {
            this.name = name;
        }

        void addBook(Book book) {
            book.author = this;
            books.add(book);
        }
    }

    @Entity(name = "Book")
    @Table(name = "book")
    static class Book {
        @Id
        @GeneratedValue(strategy = GenerationType.IDENTITY)
        Long id;

        String title;

        // "year" is a reserved word in some dialects; the column name keeps the DDL portable.
        @Column(name = "published")
        int year;

        @ManyToOne(fetch = FetchType.LAZY, optional = false)
        Author author;

        @Version
        int version;

        protected Book() {}

        Book(String title, int year) {
            this.title = title;
            this.year = year;
        }
    }

    @Entity(name = "Event")
    @Table(name = "event")
    static class Event {
        @Id
        long id;

        String payload;

        protected Event() {}

        Event(long id, String payload) {
            this.id = id;
            this.payload = payload;
        }
    }
}
