package dev.crossbar.app.run;

import dev.crossbar.core.lifecycle.Service;
import java.util.List;

/** Builds the services of one role from the parts a process shares; they start in list order. */
@FunctionalInterface
public interface RoleFactory {
    List<Service> services(SharedParts parts);
}
