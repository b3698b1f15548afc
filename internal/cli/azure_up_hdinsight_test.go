package cli

import (
	"errors"
	"strings"
	"testing"
)

func TestAzureUpHDInsightDryRun(t *testing.T) {
	f, out, _ := testFactory()
	err := execute(newAzureUpCmd(f, nil), "--platform", "hdinsight", "--tier", "10", "--hdi-workers", "4",
		"--resource-group", "RG", "--location", "westeurope", "--dry-run")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"hadoop 5.1: 2 × Standard_D3_V2 head, 4 × Standard_D3_V2 workers",
		"--jobManagerMemory 1024m --taskManagerMemory 4096m",
		"bin/flink run --detached --class io.streamscale.relay.RelayJob",
		"-Dcontainerized.taskmanager.env.JAVA_HOME=",
		"#!/usr/bin/env bash",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("dry run lacks %q", want)
		}
	}
	if strings.Contains(out.String(), "FlinkDeployment") {
		t.Error("the HDInsight dry run prints the AKS manifests")
	}
}

func TestAzureUpPlatformErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--platform", "yarn", "--dry-run"}, "--platform \"yarn\""},
		{[]string{"--platform", "hdinsight", "--hdi-workers", "0", "--dry-run"}, "--hdi-workers"},
		{[]string{"--platform", "hdinsight", "--hdi-worker-size", "big", "--dry-run"}, "--hdi-worker-size"},
		{[]string{"--platform", "hdinsight"}, "no subscription"},
		{[]string{"--platform", "hdinsight", "--subscription", "sub", "--job-jar", "/nonexistent/relay-job.jar"}, "--job-jar /nonexistent/relay-job.jar"},
	} {
		f, _, _ := testFactory()
		args := append([]string{"--resource-group", "rg", "--location", "westeurope"}, tc.args...)
		err := execute(newAzureUpCmd(f, nil), args...)
		var fe *FlagError
		if err == nil || !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err %v, want a flag error with %q", tc.args, err, tc.want)
		}
	}
}
