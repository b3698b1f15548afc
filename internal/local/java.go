package local

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
)

// minJavaMajor is the oldest Java that both Kafka 4 brokers and Flink 2 run on.
const minJavaMajor = 17

var javaVersionRE = regexp.MustCompile(`version "(\d+)(?:\.(\d+))?`)

// FindJava returns the java executable (javaHome, else $JAVA_HOME, else $PATH) and its major
// version, or an error that says how to fix the setup.
func FindJava(javaHome string) (string, int, error) {
	if javaHome == "" {
		javaHome = os.Getenv("JAVA_HOME")
	}
	bin := "java"
	if javaHome != "" {
		bin = filepath.Join(javaHome, "bin", "java")
	}
	path, err := exec.LookPath(bin)
	if err != nil {
		return "", 0, fmt.Errorf("java not found (looked for %s): install a JDK %d or newer and put it on PATH or set JAVA_HOME", bin, minJavaMajor)
	}
	out, err := exec.Command(path, "-version").CombinedOutput()
	if err != nil {
		return "", 0, fmt.Errorf("run %s -version: %w", path, err)
	}
	major, err := parseJavaMajor(string(out))
	if err != nil {
		return "", 0, fmt.Errorf("%s: %w", path, err)
	}
	if major < minJavaMajor {
		return "", 0, fmt.Errorf("java %d found at %s, but Kafka 4 and Flink 2 need Java %d or newer: install a newer JDK or set JAVA_HOME to one", major, path, minJavaMajor)
	}
	return path, major, nil
}

// parseJavaMajor reads the major version from `java -version` output ("1.8.0_392" → 8,
// "17.0.15" → 17, "21" → 21).
func parseJavaMajor(versionOutput string) (int, error) {
	m := javaVersionRE.FindStringSubmatch(versionOutput)
	if m == nil {
		return 0, fmt.Errorf("cannot read the Java version from %q", firstLine(versionOutput))
	}
	major, _ := strconv.Atoi(m[1])
	if major == 1 && m[2] != "" {
		major, _ = strconv.Atoi(m[2])
	}
	return major, nil
}

func firstLine(s string) string {
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	return s
}
