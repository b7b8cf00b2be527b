package dev.kongjava.pluginserver.schema;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A secret: never shown in logs, {@code toString} or error messages; not a Kong attribute. See {@link ConfigSchema#of(Class)}. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE_USE})
public @interface Secret {}
