// Package provision converges an Azure subscription to an azure/plan Plan with the Azure SDK
// for Go: every step first reads its resource (Get) and creates it only when it is missing,
// so a second `azure up` creates nothing and one that failed half-way resumes where it
// stopped. Each step prints what it creates and how long it took, with a progress line while
// Azure works on a long-running operation. `Down` deletes the resource group.
//
// The Azure Resource Manager clients come from one arm.ClientOptions, so tests wire the
// SDK's own fake servers (each module's fake package) through its Transport.
package provision
