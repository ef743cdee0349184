package io.meshlet.spring;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * Registers a {@link MeshClientFactoryBean} for each {@link MeshClient} interface in the packages
 * {@link EnableMeshClients} names. {@link AutoConfigured} does the same for the application's own
 * packages. An interface found twice is registered once (its bean name is its class name).
 */
class MeshClientsRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, ResourceLoaderAware {
  private Environment environment;
  private ResourceLoader resourceLoader;

  MeshClientsRegistrar() {
    this.environment = new org.springframework.core.env.StandardEnvironment();
    this.resourceLoader = new org.springframework.core.io.DefaultResourceLoader();
  }

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  @Override
  public void setResourceLoader(ResourceLoader resourceLoader) {
    this.resourceLoader = resourceLoader;
  }

  @Override
  public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
    Map<String, Object> attributes = metadata.getAnnotationAttributes(EnableMeshClients.class.getName());
    Set<String> packages = new LinkedHashSet<>();
    if (attributes != null) {
      for (String p : (String[]) attributes.get("basePackages")) {
        packages.add(p);
      }
      for (Class<?> c : (Class<?>[]) attributes.get("basePackageClasses")) {
        packages.add(ClassUtils.getPackageName(c));
      }
    }
    if (packages.isEmpty()) {
      packages.add(ClassUtils.getPackageName(metadata.getClassName()));
    }
    register(new ArrayList<>(packages), registry);
  }

  final void register(List<String> packages, BeanDefinitionRegistry registry) {
    ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false, environment) {
      @Override
      protected boolean isCandidateComponent(AnnotatedBeanDefinition definition) {
        return definition.getMetadata().isIndependent();
      }
    };
    scanner.setResourceLoader(resourceLoader);
    scanner.addIncludeFilter(new AnnotationTypeFilter(MeshClient.class, false, true));
    for (String p : packages) {
      for (BeanDefinition candidate : scanner.findCandidateComponents(p)) {
        String name = candidate.getBeanClassName();
        if (name == null || registry.containsBeanDefinition(name)) {
          continue;
        }
        if (!((AnnotatedBeanDefinition) candidate).getMetadata().isInterface()) {
          throw new IllegalStateException("@MeshClient on " + name + " (expected: an interface of @GetExchange-style methods)");
        }
        Class<?> type = ClassUtils.resolveClassName(name, resourceLoader.getClassLoader());
        RootBeanDefinition definition = new RootBeanDefinition(MeshClientFactoryBean.class);
        definition.getConstructorArgumentValues().addIndexedArgumentValue(0, type);
        definition.setAttribute(FactoryBean.OBJECT_TYPE_ATTRIBUTE, type);
        registry.registerBeanDefinition(name, definition);
      }
    }
  }

  /** Scans the application's packages (its {@code @SpringBootApplication}'s), imported by the auto-configuration. */
  static final class AutoConfigured extends MeshClientsRegistrar implements BeanFactoryAware {
    private BeanFactory beanFactory;

    AutoConfigured() {
      this.beanFactory = new org.springframework.beans.factory.support.DefaultListableBeanFactory();
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
      this.beanFactory = beanFactory;
    }

    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
      if (AutoConfigurationPackages.has(beanFactory)) {
        register(AutoConfigurationPackages.get(beanFactory), registry);
      }
    }
  }
}
