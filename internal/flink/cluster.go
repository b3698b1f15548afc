package flink

import "context"

// Overview is the cluster summary from GET /overview.
type Overview struct {
	TaskManagers   int    `json:"taskmanagers"`
	SlotsTotal     int    `json:"slots-total"`
	SlotsAvailable int    `json:"slots-available"`
	JobsRunning    int    `json:"jobs-running"`
	JobsFinished   int    `json:"jobs-finished"`
	JobsCancelled  int    `json:"jobs-cancelled"`
	JobsFailed     int    `json:"jobs-failed"`
	FlinkVersion   string `json:"flink-version"`
}

// Overview returns the cluster summary.
func (c *Client) Overview(ctx context.Context) (Overview, error) {
	var ov Overview
	if err := c.getJSON(ctx, "/overview", &ov); err != nil {
		return Overview{}, err
	}
	return ov, nil
}

// TaskManager is one registered TaskManager from GET /taskmanagers.
type TaskManager struct {
	ID                     string `json:"id"`
	Path                   string `json:"path"`
	SlotsNumber            int    `json:"slotsNumber"`
	FreeSlots              int    `json:"freeSlots"`
	TimeSinceLastHeartbeat int64  `json:"timeSinceLastHeartbeat"`
}

// TaskManagers lists the registered TaskManagers.
func (c *Client) TaskManagers(ctx context.Context) ([]TaskManager, error) {
	var resp struct {
		TaskManagers []TaskManager `json:"taskmanagers"`
	}
	if err := c.getJSON(ctx, "/taskmanagers", &resp); err != nil {
		return nil, err
	}
	return resp.TaskManagers, nil
}
