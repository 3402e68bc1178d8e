package dev.tether.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.testing.FrontDoor;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The example application is built on tether-lambda's public API only. */
class FrontDoorTest {

    @Test
    void noClassOfTheApplicationUsesTheLibrarysInternals() throws IOException {
        assertThat(FrontDoor.classesUsingInternals(Path.of("target", "classes")))
                .isEmpty();
    }
}
