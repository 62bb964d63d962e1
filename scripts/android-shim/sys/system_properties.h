/* Stand-in for bionic's <sys/system_properties.h>, the one Android-only header the C parts of our
 * dependencies include (aws-lc reads a system property). With Debian's arm64 glibc headers as the
 * sysroot, this is enough for `make check-android` to type-check for Android without an NDK.
 * Nothing built with it links or runs: real Android builds use the NDK's sysroot. */
#ifndef NANOFORGE_ANDROID_SHIM_SYSTEM_PROPERTIES_H
#define NANOFORGE_ANDROID_SHIM_SYSTEM_PROPERTIES_H
#define PROP_VALUE_MAX 92
int __system_property_get(const char *name, char *value);
#endif
