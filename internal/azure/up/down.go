package up

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/streamscale/streamscale/internal/azure/azclient"
	"github.com/streamscale/streamscale/internal/azure/provision"
)

// DownOptions are everything `azure down` is given.
type DownOptions struct {
	// ResourceGroup is the group to delete; Subscription is already resolved
	// (azclient.Subscription).
	ResourceGroup, Subscription string
	// Yes deletes without asking.
	Yes bool
}

// Down is `azure down`: unless o.Yes, it asks on prompt for the group's name (answered on in),
// then deletes the resource group with everything in it and waits, reporting on out. A
// missing setting is an *InputError.
func Down(ctx context.Context, o DownOptions, clients *azclient.Clients, in io.Reader, prompt, out io.Writer) error {
	if o.ResourceGroup == "" {
		return inputErr(errors.New("--resource-group is required: name the group `azure up` created"))
	}
	if err := azclient.Require(o.Subscription); err != nil {
		return inputErr(err)
	}
	if !o.Yes {
		fmt.Fprintf(prompt, "This deletes resource group %s and everything in it, checkpoints included.\nType its name to go on: ", o.ResourceGroup)
		line, _ := bufio.NewReader(in).ReadString('\n')
		if strings.TrimSpace(line) != o.ResourceGroup {
			return errors.New("azure down: not confirmed, nothing deleted (pass --yes to skip the question)")
		}
	}
	arm, err := clients.ARM(o.Subscription)
	if err != nil {
		return err
	}
	r := &provision.Runner{Clients: arm, Out: out}
	if _, err := r.Down(ctx, o.ResourceGroup); err != nil {
		return fmt.Errorf("azure down: %w", err)
	}
	return nil
}
