//! The lineage of an image: the tree of jobs it belongs to, from the generation (or input image)
//! it all started with, through every edit, upscale and reply, with each job's cost and the
//! tree's total. A job's parent is the job that made the image it edited (`parent_image_id`); a
//! reply's is the job whose text it answered. Branches are edits of the same image.

use std::collections::HashSet;

use serde::Serialize;

use super::Library;
use super::types::{JobPurpose, JobRecord, JobStatus};
use crate::catalog::Model;
use crate::{CoreError, ErrorKind, Result};

/// Most jobs one tree shows (a tree that large is a runaway script, not a person's work).
const MAX_NODES: usize = 2000;

/// One node: a job and the images it made, or the input image a tree started from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LineageNode {
    /// `None` for an input image at the root.
    pub job_id: Option<String>,
    pub image_ids: Vec<String>,
    pub prompt: Option<String>,
    pub purpose: Option<JobPurpose>,
    pub model: Option<Model>,
    pub status: Option<JobStatus>,
    /// Why the job ended without an image (`no_image` with the model's text for a text-only
    /// answer, which can be answered).
    pub error_kind: Option<ErrorKind>,
    pub error_message: Option<String>,
    /// USD confirmed for this job.
    pub cost: f64,
    pub created_at: f64,
    pub children: Vec<LineageNode>,
}

/// A whole tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Lineage {
    pub root: LineageNode,
    /// Every job's confirmed cost.
    pub total_cost: f64,
    pub jobs: u32,
}

impl Library {
    /// The tree image `image_id` belongs to, from its root.
    pub async fn lineage(&self, image_id: &str) -> Result<Lineage> {
        let image = self.get_image(image_id).await?;
        // Up to the root: the first job whose image came from nowhere in this library.
        let mut seen = HashSet::new();
        let mut top: Option<JobRecord> = match &image.job_id {
            Some(id) => Some(self.get_job(id).await?),
            None => None,
        };
        let mut root_input = top.is_none().then(|| image.id.clone());
        while let Some(job) = top.clone() {
            if !seen.insert(job.id.clone()) || seen.len() > MAX_NODES {
                return Err(CoreError::Internal(format!(
                    "the lineage of image {image_id} loops or is too deep"
                )));
            }
            match self.parent_of(&job).await? {
                Parent::Job(parent) => top = Some(*parent),
                Parent::Input(id) => {
                    root_input = Some(id);
                    break;
                }
                Parent::None => break,
            }
        }
        let mut count = 0usize;
        let root = match (root_input, top) {
            (Some(input), top) => {
                let children = match top {
                    Some(job) => vec![self.subtree(job, &mut count).await?],
                    None => {
                        self.children_of_images(std::slice::from_ref(&input), &mut count)
                            .await?
                    }
                };
                LineageNode {
                    job_id: None,
                    image_ids: vec![input],
                    prompt: None,
                    purpose: None,
                    model: None,
                    status: None,
                    error_kind: None,
                    error_message: None,
                    cost: 0.0,
                    created_at: image.created_at,
                    children,
                }
            }
            (None, Some(job)) => self.subtree(job, &mut count).await?,
            (None, None) => return Err(CoreError::NotFound(format!("the lineage of {image_id}"))),
        };
        let total_cost = total(&root);
        Ok(Lineage {
            root,
            total_cost: crate::catalog::round_micro_usd(total_cost),
            jobs: u32::try_from(count).unwrap_or(u32::MAX),
        })
    }

    async fn parent_of(&self, job: &JobRecord) -> Result<Parent> {
        if job.purpose == Some(JobPurpose::Reply)
            && let Some(turn) = crate::conversation::Turn::parse(job.conversation.as_deref())
            && let Some(id) = turn.continues
        {
            return Ok(Parent::Job(Box::new(self.get_job(&id).await?)));
        }
        let Some(image_id) = &job.parent_image_id else {
            return Ok(Parent::None);
        };
        match self.get_image(image_id).await {
            Ok(image) => match image.job_id {
                Some(id) => Ok(Parent::Job(Box::new(self.get_job(&id).await?))),
                None => Ok(Parent::Input(image.id)),
            },
            // Deleted forever: this job is where the tree starts now.
            Err(CoreError::NotFound(_)) => Ok(Parent::None),
            Err(e) => Err(e),
        }
    }

    /// `job` and everything made from it.
    async fn subtree(&self, job: JobRecord, count: &mut usize) -> Result<LineageNode> {
        *count += 1;
        let image_ids: Vec<String> = self
            .job_images(&job.id)
            .await?
            .into_iter()
            .map(|i| i.id)
            .collect();
        let mut children = Box::pin(self.children_of_images(&image_ids, count)).await?;
        for reply in self.replies_to(&job.id).await? {
            if *count >= MAX_NODES {
                break;
            }
            children.push(Box::pin(self.subtree(reply, count)).await?);
        }
        children.sort_by(|a, b| a.created_at.total_cmp(&b.created_at));
        Ok(LineageNode {
            job_id: Some(job.id),
            image_ids,
            prompt: Some(job.prompt),
            purpose: job.purpose,
            model: Some(job.model),
            status: Some(job.status),
            error_kind: job.error_kind,
            error_message: job.error_message,
            cost: job.cost,
            created_at: job.created_at,
            children,
        })
    }

    async fn children_of_images(
        &self,
        image_ids: &[String],
        count: &mut usize,
    ) -> Result<Vec<LineageNode>> {
        let mut children = Vec::new();
        for image_id in image_ids {
            let ids: Vec<(String,)> = sqlx::query_as(
                "SELECT id FROM jobs WHERE profile_id = ? AND parent_image_id = ?
                   AND (purpose IS NULL OR purpose != 'reply') ORDER BY created_at, id",
            )
            .bind(&self.profile_id)
            .bind(image_id)
            .fetch_all(&self.pool)
            .await?;
            for (id,) in ids {
                if *count >= MAX_NODES {
                    return Ok(children);
                }
                let job = self.get_job(&id).await?;
                children.push(Box::pin(self.subtree(job, count)).await?);
            }
        }
        Ok(children)
    }

    async fn replies_to(&self, job_id: &str) -> Result<Vec<JobRecord>> {
        let ids: Vec<(String,)> = sqlx::query_as(
            "SELECT id FROM jobs WHERE profile_id = ? AND purpose = 'reply'
               AND json_extract(conversation, '$.continues') = ? ORDER BY created_at, id",
        )
        .bind(&self.profile_id)
        .bind(job_id)
        .fetch_all(&self.pool)
        .await?;
        let mut jobs = Vec::with_capacity(ids.len());
        for (id,) in ids {
            jobs.push(self.get_job(&id).await?);
        }
        Ok(jobs)
    }
}

enum Parent {
    Job(Box<JobRecord>),
    Input(String),
    None,
}

fn total(node: &LineageNode) -> f64 {
    node.cost + node.children.iter().map(total).sum::<f64>()
}
