package dev.kongjava.pluginserver.schema;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The default when Kong sends no value: the text for a string, JSON for anything else ({@code "10000"}, {@code "true"}, {@code "[]"}, {@code "{}"}). See {@link ConfigSchema#of(Class)}. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE_USE})
public @interface Default {
    String value();
}
