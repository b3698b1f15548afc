package hdinsight

import (
	"bytes"
	"context"
	"crypto/md5" //nolint:gosec // Blob storage's Content-MD5 is a checksum, not a security measure.
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/streaming"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blockblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/sas"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/service"

	"github.com/streamscale/streamscale/internal/azure/provision"
)

// RoleStorageBlobDataContributor is the built-in role the principal running `up` needs on the
// storage account to upload the script action and the relay jar.
const RoleStorageBlobDataContributor = "ba92f5b4-2d11-453b-a403-e96b0c10c60c"

// UploadDir is the folder of the default file system the uploads go into.
const UploadDir = "streamscale/"

// BlobServiceURL is the storage account's blob endpoint, for azblob.NewClient.
func (p *Plan) BlobServiceURL() string {
	return fmt.Sprintf("https://%s.blob.core.windows.net/", p.Base.Names.StorageAccount)
}

// upload is one file the cluster reads at creation.
type upload struct {
	blob string
	data []byte
}

// uploads puts the script action, the relay jar and the job's connection strings
// (SecretsBlob) into the default file system under streamscale/, skipping a blob whose
// length and Content-MD5 already match.
func (r *Runner) uploads(ctx context.Context) ([]Result, error) {
	if r.RelayJar == "" {
		return nil, errors.New("no relay jar: pass --job-jar (build it with `make build`)")
	}
	jar, err := os.ReadFile(r.RelayJar)
	if err != nil {
		return nil, fmt.Errorf("read the relay jar: %w (pass --job-jar, or build it with `make build`)", err)
	}
	if r.JobListen.IsZero() || r.JobSend.IsZero() {
		return nil, errors.New("no Event Hubs connection strings for the job: the shared steps (UpAll) give them")
	}
	var done []Result
	for _, u := range []upload{{ScriptBlob, []byte(r.Plan.Script())}, {RelayJarBlob, jar},
		{SecretsBlob, secretsFile(r.JobListen.Reveal(), r.JobSend.Reveal())}} {
		res, err := r.uploadOne(ctx, u)
		done = append(done, res)
		if err != nil {
			return done, err
		}
	}
	return done, nil
}

func (r *Runner) uploadOne(ctx context.Context, u upload) (Result, error) {
	name := UploadDir + u.blob
	res := Result{Kind: KindUpload, Name: FileSystem + "/" + name}
	sum := md5.Sum(u.data) //nolint:gosec // see the import.
	bc := r.Clients.Blobs.ServiceClient().NewContainerClient(FileSystem).NewBlockBlobClient(name)
	props, err := bc.GetProperties(ctx, nil)
	switch {
	case err == nil:
		if props.ContentLength != nil && *props.ContentLength == int64(len(u.data)) && bytes.Equal(props.ContentMD5, sum[:]) {
			res.Outcome = Exists
			r.printf("  exists   %-20s %s\n", KindUpload, res.Name)
			return res, nil
		}
	case !provision.IsNotFound(err):
		return res, r.blobErr("read", res.Name, err)
	}
	r.printf("  uploading %-19s %s (%d bytes)\n", KindUpload, res.Name, len(u.data))
	_, err = bc.Upload(ctx, streaming.NopCloser(bytes.NewReader(u.data)), &blockblob.UploadOptions{
		HTTPHeaders: &blob.HTTPHeaders{BlobContentMD5: sum[:]},
	})
	if err != nil {
		return res, r.blobErr("upload", res.Name, err)
	}
	res.Outcome = Created
	r.printf("  uploaded %-20s %s\n", KindUpload, res.Name)
	return res, nil
}

// blobErr says what to do when the signed-in principal may not use the account's data plane.
func (r *Runner) blobErr(verb, name string, err error) error {
	var re *azcore.ResponseError
	if errors.As(err, &re) && re.StatusCode == http.StatusForbidden {
		return fmt.Errorf("%s blob %s: the signed-in principal lacks a data role on storage account %s: grant it Storage Blob Data Contributor (`az role assignment create --role \"Storage Blob Data Contributor\" --assignee $(az ad signed-in-user show --query id -o tsv) --scope %s`), wait a few minutes, and run `azure up --platform hdinsight` again",
			verb, name, r.Plan.Base.Names.StorageAccount, r.Plan.StorageAccountID())
	}
	return fmt.Errorf("%s blob %s: %w (run `azure up --platform hdinsight` again to resume)", verb, name, err)
}

func (r *Runner) printf(format string, a ...any) { fmt.Fprintf(r.out(), format, a...) }

// NewBlobClient is the storage account's data-plane client, authenticated as cred.
func NewBlobClient(p *Plan, cred azcore.TokenCredential, opts *azblob.ClientOptions) (*azblob.Client, error) {
	c, err := azblob.NewClient(p.BlobServiceURL(), cred, opts)
	if err != nil {
		return nil, fmt.Errorf("blob client for storage account %s: %w", p.Base.Names.StorageAccount, err)
	}
	return c, nil
}

// scriptURL is the script action's URL with a user-delegation SAS: read only, https only,
// valid ScriptSASLifetime from now (with five minutes' slack for clock skew). The account
// takes no shared key, so the SAS is signed with a user delegation key of the signed-in
// principal (who needs a data role on the account, as for the uploads). The URL is a
// credential: it goes into the create request only, never into output or errors.
func (r *Runner) scriptURL(ctx context.Context) (string, error) {
	now := time.Now
	if r.now != nil {
		now = r.now
	}
	start := now().UTC().Add(-5 * time.Minute)
	expiry := start.Add(ScriptSASLifetime + 5*time.Minute)
	svc := r.Clients.Blobs.ServiceClient()
	udc, err := svc.GetUserDelegationCredential(ctx, service.KeyInfo{
		Start:  to.Ptr(start.Format(sas.TimeFormat)),
		Expiry: to.Ptr(expiry.Format(sas.TimeFormat)),
	}, nil)
	var re *azcore.ResponseError
	if errors.As(err, &re) && re.StatusCode == http.StatusForbidden {
		return "", r.blobErr("get a user delegation key to sign", UploadDir+ScriptBlob, err)
	}
	if err != nil {
		return "", fmt.Errorf("get a user delegation key to sign the script action's URL: %w", err)
	}
	qp, err := sas.BlobSignatureValues{
		Protocol:      sas.ProtocolHTTPS,
		StartTime:     start,
		ExpiryTime:    expiry,
		Permissions:   (&sas.BlobPermissions{Read: true}).String(),
		ContainerName: FileSystem,
		BlobName:      UploadDir + ScriptBlob,
	}.SignWithUserDelegation(udc)
	if err != nil {
		return "", fmt.Errorf("sign the script action's SAS: %w", err)
	}
	return r.Plan.ScriptURI() + "?" + qp.Encode(), nil
}
