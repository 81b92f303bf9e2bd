package dev.levitate.sim.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The parameter table of docs/cycle-model.md and of CycleModel's Javadoc say what the constants say. */
class CycleModelDocsTest {
    static final Pattern DOC_ROW = Pattern.compile("^\\| `([A-Z_]+)` \\| (\\d+) \\|", Pattern.MULTILINE);
    static final Pattern JAVADOC_ROW = Pattern.compile("\\{@link #([A-Z_]+)\\}</td><td>(\\d+)</td>");

    static Map<String, Integer> constants() throws IllegalAccessException {
        Map<String, Integer> m = new TreeMap<>();
        for (Field f : CycleModel.class.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (Modifier.isStatic(mod) && Modifier.isFinal(mod) && !Modifier.isPrivate(mod) && f.getType() == int.class
                    && f.getName().equals(f.getName().toUpperCase(java.util.Locale.ROOT))) {
                f.setAccessible(true);
                m.put(f.getName(), f.getInt(null));
            }
        }
        return m;
    }

    static Map<String, Integer> table(String text, Pattern row) {
        Map<String, Integer> m = new TreeMap<>();
        Matcher x = row.matcher(text);
        while (x.find()) {
            m.put(x.group(1), Integer.parseInt(x.group(2)));
        }
        return m;
    }

    @Test
    void theDocumentedTableListsEveryParameterWithItsValue() throws Exception {
        Map<String, Integer> params = constants();
        Path doc = Path.of("..", "docs", "cycle-model.md");
        assertTrue(Files.exists(doc), "run from backend-sim: " + doc.toAbsolutePath());
        assertEquals(params, table(Files.readString(doc), DOC_ROW));
        Path source = Path.of("src", "main", "java", "dev", "levitate", "sim", "cpu", "CycleModel.java");
        assertEquals(params, table(Files.readString(source), JAVADOC_ROW));
    }
}
