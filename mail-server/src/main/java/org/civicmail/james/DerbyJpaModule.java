package org.civicmail.james;

import java.io.FileNotFoundException;
import java.util.HashMap;
import java.util.Map;

import javax.inject.Singleton;
import javax.persistence.EntityManagerFactory;
import javax.persistence.Persistence;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.utils.PropertiesProvider;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

/**
 * Provides James's JPA {@link EntityManagerFactory} on embedded Derby, from {@code james-database.properties}.
 * The persistence unit "Global" is declared in our own {@code META-INF/persistence.xml}: the published James
 * jars carry entity classes (already enhanced) but no persistence unit.
 */
public class DerbyJpaModule extends AbstractModule {

    @Provides
    @Singleton
    EntityManagerFactory entityManagerFactory(PropertiesProvider propertiesProvider)
            throws FileNotFoundException, ConfigurationException {
        Configuration database = propertiesProvider.getConfiguration("james-database");
        Map<String, String> properties = new HashMap<>();
        properties.put("openjpa.ConnectionDriverName", database.getString("database.driverClassName"));
        properties.put("openjpa.ConnectionURL", database.getString("database.url"));
        properties.put("openjpa.ConnectionUserName", database.getString("database.username"));
        properties.put("openjpa.ConnectionPassword", database.getString("database.password"));
        properties.put("openjpa.Multithreaded", "true");
        database.getKeys("openjpa").forEachRemaining(key -> properties.put(key, database.getString(key)));
        return Persistence.createEntityManagerFactory("Global", properties);
    }
}
