package dev.kongjava.pluginserver.schema;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The field's description: a row of the settings table and Kong's {@code description} (10 to 500 characters). See {@link ConfigSchema#of(Class)}. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE_USE})
public @interface Doc {
    String value();
}
