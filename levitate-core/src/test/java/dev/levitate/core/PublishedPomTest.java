package dev.levitate.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What each module's published POM says, read from the reactor's pom.xml files (this test runs in
 * levitate-core, whose parent directory is the reactor's root): a URL and SCM that are the
 * repository's (not the repository's with the module's path appended), a description of its own,
 * a BOM with url, scm and developers, and SLF4J declared exactly by the modules whose code logs.
 */
class PublishedPomTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    private static Document read(Path pom) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(false);
        return f.newDocumentBuilder().parse(pom.toFile());
    }

    private static Element child(Element e, String name) {
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(name)) {
                return c;
            }
        }
        return null;
    }

    private static String text(Element e, String name) {
        Element c = child(e, name);
        return c == null ? null : c.getTextContent().trim();
    }

    private static List<String> modules(Element project) {
        List<String> out = new ArrayList<>();
        NodeList ms = child(project, "modules").getElementsByTagName("module");
        for (int i = 0; i < ms.getLength(); i++) {
            out.add(ms.item(i).getTextContent().trim());
        }
        return out;
    }

    @Test
    void childrenInheritTheRepositoryUrlAndScmAsTheyAre() throws Exception {
        Element parent = read(ROOT.resolve("pom.xml")).getDocumentElement();
        assertEquals("false", parent.getAttribute("child.project.url.inherit.append.path"), "<project child.project.url.inherit.append.path>");
        Element scm = child(parent, "scm");
        for (String a : new String[] {"connection", "developerConnection", "url"}) {
            assertEquals("false", scm.getAttribute("child.scm." + a + ".inherit.append.path"), "<scm child.scm." + a + ".inherit.append.path>");
            assertNotNull(text(scm, a), "scm " + a);
        }
        for (String m : modules(parent)) {
            Element p = read(ROOT.resolve(m).resolve("pom.xml")).getDocumentElement();
            if (child(p, "parent") == null) { // the BOM stands alone: it states the same repository
                assertEquals(text(parent, "url"), text(p, "url"), m + "'s url");
                assertEquals(text(scm, "connection"), text(child(p, "scm"), "connection"), m + "'s scm");
                continue;
            }
            assertEquals(null, child(p, "url"), m + " must not override the repository URL with its own path");
            assertEquals(null, child(p, "scm"), m + " must not override the SCM");
        }
    }

    @Test
    void everyModuleDescribesItselfAndTheBomIsComplete() throws Exception {
        Element parent = read(ROOT.resolve("pom.xml")).getDocumentElement();
        String parentDescription = text(parent, "description");
        for (String m : modules(parent)) {
            String d = text(read(ROOT.resolve(m).resolve("pom.xml")).getDocumentElement(), "description");
            assertTrue(d != null && d.length() > 20, m + " has a description of its own");
            assertFalse(d.equals(parentDescription), m + "'s description is not the parent's");
        }
        Element bom = read(ROOT.resolve("levitate-bom/pom.xml")).getDocumentElement();
        assertNotNull(text(bom, "url"), "the BOM's url");
        assertNotNull(child(bom, "scm"), "the BOM's scm");
        assertNotNull(text(child(bom, "scm"), "connection"), "the BOM's scm connection");
        assertTrue(child(bom, "developers") != null && child(bom, "developers").getElementsByTagName("developer").getLength() > 0, "the BOM's developers");
    }

    @Test
    void slf4jIsDeclaredExactlyWhereTheCodeLogs() throws Exception {
        Element parent = read(ROOT.resolve("pom.xml")).getDocumentElement();
        for (String m : modules(parent)) {
            Path main = ROOT.resolve(m).resolve("src/main/java");
            boolean logs = Files.isDirectory(main) && uses(main, "import org.slf4j.");
            Document pom = read(ROOT.resolve(m).resolve("pom.xml"));
            boolean declaresApi = false;
            NodeList deps = pom.getElementsByTagName("dependency");
            for (int i = 0; i < deps.getLength(); i++) {
                Element d = (Element) deps.item(i);
                String scope = text(d, "scope");
                if ("slf4j-api".equals(text(d, "artifactId"))) {
                    declaresApi = true;
                }
                if ("slf4j-simple".equals(text(d, "artifactId")) && !"test".equals(scope)) {
                    assertEquals("levitate-cli", m, "only the command line binds SLF4J (libraries ship no binding)");
                }
            }
            assertEquals(logs, declaresApi, m + (logs ? " logs through SLF4J: declare slf4j-api" : " does not log: no slf4j-api"));
        }
    }

    @Test
    void theReadmeListsEveryDebianPackageTheSkippedTestsNeed() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int files = 0;
        try (Stream<Path> dirs = Files.list(ROOT)) {
            for (Path f : dirs.map(d -> d.resolve("ci-apt-packages")).filter(Files::isRegularFile).toList()) {
                files++;
                String module = f.getParent().getFileName().toString();
                int table = readme.indexOf("| module | Debian packages |");
                assertTrue(table >= 0, "the README has a table of Debian packages");
                int row = readme.indexOf("| `" + module + "` |", table);
                assertTrue(row >= 0, "the README has a row for " + module);
                String line = readme.substring(row, readme.indexOf('\n', row));
                for (String pkg : Files.readString(f).replaceAll("#.*", "").trim().split("\\s+")) {
                    assertTrue(line.contains("`" + pkg + "`"), "the README's row for " + module + " names " + pkg + ": " + line);
                }
            }
        }
        assertTrue(files >= 4, "ci-apt-packages files found under " + ROOT);
    }

    private static boolean uses(Path dir, String needle) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".java")).anyMatch(p -> {
                try {
                    return Files.readString(p).contains(needle);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
    }
}
