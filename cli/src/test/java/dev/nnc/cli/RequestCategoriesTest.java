package dev.nnc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nnc.runtime.data.OneHot;
import dev.nnc.runtime.model.Categorical;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The rows of a request to a model with a categorical column: a category as a string (any
 * UTF-8, escapes decoded), a number naming one, or null for the fill category; kept as the
 * input it sets and expanded by the model's encoding; an unseen category is status 400 naming
 * the row, the column and the categories.
 */
class RequestCategoriesTest {
    private static final OneHot CITY = new OneHot(List.of("city", "b"),
            Map.of("city", List.of("10", "Oslo", "Zürich")), Map.of("city", "Oslo"),
            Categorical.Unseen.ERROR);

    private static RequestRows.Rows parse(String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        return RequestRows.parse(in::read, new int[] {2}, 100, bytes.length, "M", null, CITY,
                null);
    }

    @Test
    void categoriesAreTextNumbersOrNullAndExpandLikeTheEncoding() throws Exception {
        RequestRows.Rows r = parse("{\"rows\": [[\"Z\\u00fcrich\", 2], [null, 3.5], [10.0, 1],"
                + " [\"Zürich\", -1]]}");
        assertEquals(4, r.count());
        assertArrayEquals(new double[] {0, 0, 1, 2}, CITY.expand(r.row(0)));
        assertArrayEquals(CITY.encode(new Object[] {null, 3.5}), CITY.expand(r.row(1)));
        assertArrayEquals(CITY.encode(new Object[] {"10", 1}), CITY.expand(r.row(2)));
        assertArrayEquals(CITY.encode(new Object[] {"Zürich", -1}), CITY.expand(r.row(3)));
    }

    @Test
    void anUnseenCategoryOrTextInANumberColumnIsRefused() {
        RequestRows.Rejected e = assertThrows(RequestRows.Rejected.class,
                () -> parse("[[\"Oslo\", 1], [\"Paris\", 2]]"));
        assertEquals(400, e.status);
        assertEquals("row 2, column 1: column 'city': 'Paris' is not one of the training file's "
                + "categories (10, Oslo, Zürich); unseen: other in the data block sends such "
                + "values to an input of their own", e.getMessage());
        RequestRows.Rejected t = assertThrows(RequestRows.Rejected.class,
                () -> parse("[\"Oslo\", \"two\"]"));
        assertEquals("row 1, column 2: not a number: a string", t.getMessage());
    }
}
